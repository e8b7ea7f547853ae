import { ConfigError, createConfig, secretsOf } from '../config.ts';
import { createDb, type DbHandle } from '../db/create-db.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { createStorage } from '../db/storage.ts';
import { createLogger, redact } from '../logger.ts';
import { type CliCommand, type CliRuntime, UsageError } from './cli-command.ts';
import { commands } from './commands/index.ts';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'paperboy: research-paper recommendations for Discord, Telegram and your terminal',
    '',
    'Usage: paperboy <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `paperboy help <command>` for its options. Configuration comes from the environment (see README.md).',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit code. Exported for tests. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const command = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${command ? `${command.summary}\n\nUsage: ${command.usage}` : helpText()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`paperboy: unknown command "${name}".\n\n${helpText()}\n`);
    return 2;
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
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await handle?.close();
  }
}

function describeFailure(command: CliCommand, error: unknown): string {
  if (error instanceof UsageError) return `paperboy ${command.name}: ${error.message}\n\nUsage: ${command.usage}`;
  if (error instanceof ConfigError || error instanceof DataDirLockedError) return `paperboy: ${error.message}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `paperboy ${command.name} failed: ${error.message}${cause}`;
  }
  return `paperboy ${command.name} failed: ${String(error)}`;
}

// Run when executed as the entry point (bin/paperboy.js or `tsx src/cli/main.ts`), not when imported by tests.
if (process.argv[1] && /(?:paperboy(?:\.js)?|cli[/\\]main\.ts)$/.test(process.argv[1])) {
  process.exitCode = await runCli(process.argv.slice(2));
}
