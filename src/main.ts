import { type App, loadDemoPapersIfEmpty, startApp } from './app.ts';
import { runTerminalChat, TerminalScreen } from './bots/terminal/chat.ts';
import { createTerminalDeliveryPort } from './bots/terminal/delivery.ts';
import { osUserId } from './bots/terminal/user.ts';
import { createConfig, type Env, secretsOf } from './config.ts';
import type { PassOutcome } from './core/ingest/poller.ts';
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { configurationMessage, EXIT, isConfigurationError } from './exit-codes.ts';
import { createLogger, type Logger, redact } from './logger.ts';
import { aborted, exitSoon, listenForStop } from './stop-signals.ts';

/**
 * `npm start` / `paperboy start`: runs the bot as configured. With no chat platform token,
 * it opens a terminal chat on a TTY (and keeps ingesting and delivering the terminal user's
 * own digests), so a fresh clone does something useful with no tokens and no server; the end
 * of the input (Ctrl-D) or `quit` ends it. Returns the exit code ({@link EXIT}).
 */
export async function main(env: Record<string, string | undefined> = process.env): Promise<number> {
  let secrets: string[] = [];
  try {
    const config = createConfig(env);
    secrets = secretsOf(config);
    const chatInTerminal = !config.TELEGRAM_BOT_TOKEN && !config.DISCORD_TOKEN && !config.SLACK_BOT_TOKEN && Boolean(process.stdin.isTTY);
    // Log lines would interleave with the terminal chat; keep only errors there unless asked.
    const level = chatInTerminal && !env.LOG_LEVEL?.trim() ? 'error' : config.LOG_LEVEL;
    const log = createLogger({ level, secrets });
    const user = osUserId();
    const screen = new TerminalScreen(process.stdout);
    // The chat shows this user's digests only; other terminal users' stay unclaimed for their own chat or `paperboy deliver`.
    const terminalPort = createTerminalDeliveryPort({ print: (text) => screen.print(text), reaches: [user] });
    // Listening before anything starts: a signal during the start still stops cleanly once started.
    const stop = listenForStop(log);
    try {
      const app = await startApp({ config, log, extraPorts: chatInTerminal ? [terminalPort] : [] });
      if (app.adapters.length === 0 && chatInTerminal) {
        if (!stop.signal.aborted) {
          await showLibrary(app, config, log, screen);
          await runTerminalChat({ core: app.core, user, input: process.stdin, screen, signal: stop.signal });
        }
      } else {
        if (app.adapters.length === 0)
          log.warn('no chat platform configured (set TELEGRAM_BOT_TOKEN, DISCORD_TOKEN or SLACK_BOT_TOKEN): ingesting and scheduling only');
        await aborted(stop.signal);
      }
      const { forced } = await app.stop();
      if (!forced) return EXIT.ok;
      exitSoon(EXIT.failed);
      return EXIT.failed;
    } finally {
      stop.dispose();
    }
  } catch (error) {
    const message =
      isConfigurationError(error) || error instanceof DataDirLockedError
        ? `paperboy: ${configurationMessage(error)}`
        : `paperboy failed to start: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${redact(message, secrets)}\n`);
    return isConfigurationError(error) ? EXIT.misconfigured : EXIT.failed;
  }
}

/**
 * Before the chat opens: waits for the first fetch and says, once, what the chat will serve
 * (the chat hides the log's warnings): the demo papers when the library was empty and nothing
 * came, or the stored papers when the upstreams could not be reached or failed.
 */
async function showLibrary(app: App, config: Env, log: Logger, screen: TerminalScreen): Promise<void> {
  if (config.INGEST_ON_START) screen.print('Fetching the latest papers…\n');
  const first = await app.firstIngest;
  const loaded = await loadDemoPapersIfEmpty(app.storage, log);
  if (loaded > 0) {
    const why = first?.unreachable ? `${first.unreachable.upstream} could not be reached` : 'Nothing could be fetched';
    screen.print(`${why} and the library was empty, so I loaded ${loaded} demo papers (examples/demo-papers.json). Real papers arrive once it is reachable.\n`);
    return;
  }
  const problem = fetchProblem(first);
  if (problem) {
    const stored = await app.storage.papers.count();
    screen.print(`${problem.what}\nServing the ${stored} paper${stored === 1 ? '' : 's'} already stored; ${problem.until}.\n`);
  }
}

/** What went wrong with the first fetch and when new papers come, or undefined when it went well (or did not run). */
function fetchProblem(first: PassOutcome | undefined): { what: string; until: string } | undefined {
  if (first?.unreachable) {
    return { what: `Could not fetch new papers: ${first.unreachable.message}.`, until: `new ones arrive once ${first.unreachable.upstream} answers again` };
  }
  const [failure, ...more] = first?.failed ?? [];
  if (!failure) return undefined;
  return {
    what: `Fetching ${failure.what} failed: ${failure.message}${more.length ? ` (and ${more.length} more)` : ''}.`,
    until: 'the next poll tries again',
  };
}

if (process.argv[1] && /main\.ts$/.test(process.argv[1]) && !/cli[/\\]main\.ts$/.test(process.argv[1])) {
  process.exitCode = await main();
}
