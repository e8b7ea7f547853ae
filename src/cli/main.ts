import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createConfig, secretsOf } from '../config.ts';
import { createDb, type DbHandle } from '../db/create-db.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { createStorage } from '../db/storage.ts';
import { configurationMessage, EXIT, isConfigurationError } from '../exit-codes.ts';
import { createLogger, redact } from '../logger.ts';
import { type CliCommand, type CliRuntime, UsageError } from './cli-command.ts';
import { commands } from './commands/index.ts';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'paperboy: research-paper recommendations for Discord, Telegram and your terminal',
    '',
    'Usage: paperboy <command> [options]       paperboy --version',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `paperboy help <command>` for its options. Configuration comes from the environment (see README.md).',
    'Exit codes: 0 done, 1 failed, 2 bad configuration or usage.',
  ].join('\n');
}

/** paperboy's version, from package.json. */
export function version(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return z.object({ version: z.string().min(1) }).parse(JSON.parse(text)).version;
}

/** Runs one CLI invocation and returns its exit code ({@link EXIT}). Exported for tests. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const command = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    if (rest[0] && !command) {
      process.stderr.write(`paperboy help: unknown command "${rest[0]}".\n\n${helpText()}\n`);
      return EXIT.misconfigured;
    }
    process.stdout.write(`${command ? `${command.summary}\n\nUsage: ${command.usage}` : helpText()}\n`);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`paperboy ${version()}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`paperboy: unknown command "${name}".\n\n${helpText()}\n`);
    return EXIT.misconfigured;
  }

  let secrets: string[] = [];
  let handle: DbHandle | undefined;
  try {
    const config = createConfig(env);
    secrets = secretsOf(config);
    const log = createLogger({ level: config.LOG_LEVEL, secrets });
    const runtime: CliRuntime = {
      config,
      log,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      now: () => new Date(),
      async openDb(options) {
        handle ??= await createDb({
          migrate: options?.migrate ?? true,
          databaseUrl: config.DATABASE_URL,
          dataDir: config.PAPERBOY_DATA_DIR,
          command: `paperboy ${name}`,
        });
        return handle;
      },
      async openStorage() {
        return createStorage((await runtime.openDb()).db);
      },
    };
    return await command.run(rest, runtime);
  } catch (error) {
    process.stderr.write(`${redact(describeFailure(command, error), secrets)}\n`);
    return error instanceof UsageError || isConfigurationError(error) ? EXIT.misconfigured : EXIT.failed;
  } finally {
    await handle?.close();
  }
}

function describeFailure(command: CliCommand, error: unknown): string {
  if (error instanceof UsageError) return `paperboy ${command.name}: ${error.message}\n\nUsage: ${command.usage}`;
  if (isConfigurationError(error) || error instanceof DataDirLockedError) return `paperboy: ${configurationMessage(error)}`;
  if (error instanceof Error) {
    // A cause the message does not already quote.
    const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
    return `paperboy ${command.name} failed: ${error.message}${cause}`;
  }
  return `paperboy ${command.name} failed: ${String(error)}`;
}

// Run when executed as the entry point (bin/paperboy.js or `tsx src/cli/main.ts`), not when imported by tests.
if (process.argv[1] && /(?:paperboy(?:\.js)?|cli[/\\]main\.ts)$/.test(process.argv[1])) {
  process.exitCode = await runCli(process.argv.slice(2));
}
