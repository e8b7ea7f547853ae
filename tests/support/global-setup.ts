import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/create-db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory that each test file copies instead of migrating again. */
    pgliteTemplateDir: string;
    /** Connection URL of a migrated template database on a real server, when TEST_DATABASE_URL is set. */
    postgresTemplate: { adminUrl: string; templateName: string } | null;
  }
}

const templateName = `paperboy_template_${process.pid}`;

/** Builds the migrated templates once per run: PGlite always, a real server when TEST_DATABASE_URL is set. */
export default async function setup(project: TestProject) {
  const root = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const templateDir = join(root, 'template');
  const lite = await createDb({ dataDir: templateDir, command: 'vitest global setup' });
  await lite.close();
  project.provide('pgliteTemplateDir', templateDir);

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    await adminQuery(adminUrl, `drop database if exists ${templateName}`);
    await adminQuery(adminUrl, `create database ${templateName}`);
    const server = await createDb({ databaseUrl: withDatabase(adminUrl, templateName) });
    await server.close();
    project.provide('postgresTemplate', { adminUrl, templateName });
  } else {
    project.provide('postgresTemplate', null);
  }

  return async () => {
    rmSync(root, { recursive: true, force: true });
    if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${templateName}`);
  };
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
