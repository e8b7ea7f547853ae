import { userInfo } from 'node:os';
import { loadDemoPapersIfEmpty, startApp } from './app.ts';
import { runTerminalChat } from './bots/terminal/chat.ts';
import { createTerminalDeliveryPort } from './bots/terminal/delivery.ts';
import { ConfigError, createConfig, secretsOf } from './config.ts';
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { createLogger, redact } from './logger.ts';

/**
 * `npm start` / `paperboy start`: runs the bot as configured. With no chat platform token,
 * it opens a terminal chat on a TTY (and keeps ingesting), so a fresh clone does something
 * useful with no tokens and no server. Returns the exit code.
 */
export async function main(env: Record<string, string | undefined> = process.env): Promise<number> {
  let secrets: string[] = [];
  try {
    const config = createConfig(env);
    secrets = secretsOf(config);
    const chatInTerminal = !config.TELEGRAM_BOT_TOKEN && !config.DISCORD_TOKEN && Boolean(process.stdin.isTTY);
    // Log lines would interleave with the terminal chat; keep only errors there unless asked.
    const level = chatInTerminal && !env.LOG_LEVEL ? 'error' : config.LOG_LEVEL;
    const log = createLogger({ level, secrets });
    const app = await startApp({ config, log, extraPorts: chatInTerminal ? [createTerminalDeliveryPort(process.stdout)] : [] });

    const stopped = new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down');
        void app.stop().then(resolve);
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });

    if (app.adapters.length === 0) {
      if (chatInTerminal) {
        process.stdout.write('Fetching the latest papers…\n');
        await app.firstIngest;
        const loaded = await loadDemoPapersIfEmpty(app.storage, log);
        if (loaded > 0) {
          process.stdout.write(
            `Hugging Face could not be reached and the library was empty, so I loaded ${loaded} demo papers (examples/demo-papers.json). Real papers arrive once it is reachable.\n`,
          );
        }
        await runTerminalChat({ core: app.core, user: userName(), input: process.stdin, output: process.stdout });
        await app.stop();
        return 0;
      }
      log.warn('no chat platform configured (set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN): ingesting and scheduling only');
    }
    await stopped;
    return 0;
  } catch (error) {
    const message =
      error instanceof ConfigError || error instanceof DataDirLockedError
        ? error.message
        : `paperboy failed to start: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${redact(message, secrets)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}

function userName(): string {
  try {
    return userInfo().username || 'me';
  } catch {
    return 'me';
  }
}

if (process.argv[1] && /main\.ts$/.test(process.argv[1]) && !/cli[/\\]main\.ts$/.test(process.argv[1])) {
  process.exitCode = await main();
}
