import { z } from 'zod';
import { createDiscordRest } from '../../bots/discord/client.ts';
import { createDiscordDeliveryPort } from '../../bots/discord/delivery.ts';
import { createSlackDeliveryPort } from '../../bots/slack/delivery.ts';
import { createDeliveryClient } from '../../bots/slack/web-client.ts';
import { createTelegramDeliveryPort } from '../../bots/telegram/delivery.ts';
import { createTerminalDeliveryPort } from '../../bots/terminal/delivery.ts';
import { renderText } from '../../bots/terminal/render.ts';
import { secretsOf } from '../../config.ts';
import { createActionCodec } from '../../core/actions/action-codec.ts';
import type { Answer } from '../../core/answer.ts';
import { raceDeadline, TIMED_OUT } from '../../core/deadline.ts';
import type { DeliveryPort } from '../../core/delivery-port.ts';
import type { Storage } from '../../core/ports/storage.ts';
import { describeRecipient } from '../../core/recipient.ts';
import { type DeliveryPassResult, type DigestPreview, runDeliveryPass } from '../../core/schedule/delivery-pass.ts';
import { cutoffMs, dueSlots } from '../../core/schedule/due-slots.ts';
import { DataDirLockedError } from '../../db/data-dir-lock.ts';
import { aborted, exitSoon, listenForStop } from '../../stop-signals.ts';
import type { CliCommand, CliRuntime } from '../cli-command.ts';
import { parseFlags } from '../parse-flags.ts';

const USAGE = [
  'paperboy deliver [--at <ISO instant>] [--dry-run] [--catch-up-hours N]',
  '',
  'Runs one delivery pass as of --at (default: now), like the bot does every minute: claims the',
  'digests due then (and those missed within the catch-up window), sends them, records the outcome.',
  '  --at               an instant with its offset: 2026-11-28T09:00:00Z or 2026-11-28T10:00+01:00',
  '  --dry-run          print what would be posted, to whom; claim and send nothing',
  '  --catch-up-hours   how late a missed post may still go out (default DELIVERY_CATCH_UP_HOURS)',
  'Posts go through the adapters configured in the environment (TELEGRAM_BOT_TOKEN, DISCORD_TOKEN, SLACK_BOT_TOKEN);',
  'digests of terminal users are printed here. Exit code 1 when a digest failed for good.',
  'SIGTERM or SIGINT stops it cleanly: posts under way finish and are recorded, the rest is handed',
  'back to the next pass (exit code 1 only when that takes longer than SHUTDOWN_TIMEOUT_MS).',
].join('\n');

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

const deliverArgs = z.object({
  at: z
    .string()
    .trim()
    .refine((text) => INSTANT.test(text) && !Number.isNaN(Date.parse(text)), {
      error: (issue) => `--at must be an instant with a timezone, like 2026-11-28T09:00:00Z or 2026-11-28T10:00+01:00; got "${String(issue.input)}"`,
    })
    .transform((text) => new Date(text))
    .optional(),
  'dry-run': z.boolean().optional(),
  'catch-up-hours': z
    .string()
    .refine((text) => /^\d+(\.\d+)?$/.test(text) && Number(text) <= 24, {
      error: (issue) => `--catch-up-hours must be a number of hours from 0 to 24, got "${String(issue.input)}"`,
    })
    .transform(Number)
    .optional(),
});

/** `paperboy deliver`: one delivery pass now or as of an instant, or a preview of it. */
export const deliverCommand: CliCommand = {
  name: 'deliver',
  summary: 'run one daily-picks delivery pass now or --at an instant; --dry-run previews it',
  usage: USAGE,
  async run(argv, runtime) {
    const args = parseFlags(argv, { at: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'catch-up-hours': { type: 'string' } }, deliverArgs);
    const at = args.at ?? runtime.now();
    const dryRun = args['dry-run'] ?? false;
    const catchUpHours = args['catch-up-hours'] ?? runtime.config.DELIVERY_CATCH_UP_HOURS;

    let storage: Storage;
    try {
      storage = await runtime.openStorage();
    } catch (error) {
      if (!(error instanceof DataDirLockedError)) throw error;
      runtime.stderr.write(lockedMessage(error));
      return 1;
    }
    const clock = () => at;

    if (dryRun) {
      const result = await runDeliveryPass({ storage, ports: new Map(), clock, catchUpHours, dryRun: true, log: runtime.log });
      printPreview(runtime, at, result);
      return 0;
    }

    const ports = deliveryPorts(runtime, storage);
    // SIGTERM and SIGINT stop the pass as they stop the bot: no more claims or sends, posts under
    // way finish and are recorded, the rest is handed back to the next pass, within SHUTDOWN_TIMEOUT_MS.
    const stop = listenForStop(runtime.log);
    let result: DeliveryPassResult | typeof TIMED_OUT;
    try {
      const passing = runDeliveryPass({ storage, ports, clock, catchUpHours, log: runtime.log, signal: stop.signal });
      result = await Promise.race([passing, aborted(stop.signal).then(() => raceDeadline(passing, runtime.config.SHUTDOWN_TIMEOUT_MS))]);
    } finally {
      stop.dispose();
    }
    if (result === TIMED_OUT) {
      runtime.stderr.write(
        `paperboy deliver: stopped by ${String(stop.signal.reason)}, but the posts under way did not finish within SHUTDOWN_TIMEOUT_MS ` +
          `(${runtime.config.SHUTDOWN_TIMEOUT_MS} ms); the next pass sends them again after their lease (they may arrive twice).\n`,
      );
      exitSoon(1);
      return 1;
    }
    runtime.stdout.write(`${summary(at, result)}\n`);
    if (stop.signal.aborted) {
      runtime.stdout.write(`Stopped by ${String(stop.signal.reason)}: ${result.released} handed back unsent for the next pass.\n`);
      return result.failed + result.unrecorded > 0 ? 1 : 0;
    }
    const waiting = await storage.ledger.countDueByPlatform(dueSlots(await storage.ledger.activeSchedules(), at, cutoffMs(catchUpHours)));
    for (const [platform, count] of waiting) {
      if (!ports.has(platform)) {
        runtime.stdout.write(`${count} due on ${platform} left for an instance with its adapter (${hint(platform)}).\n`);
      }
    }
    return result.failed + result.unrecorded > 0 ? 1 : 0;
  },
};

/** The embedded database is held by another process (usually the running bot). */
function lockedMessage(error: DataDirLockedError): string {
  const { holder } = error;
  return (
    `paperboy deliver: the embedded database in ${error.dataDir} is in use by "${holder.command}" ` +
    `(pid ${holder.pid} on ${holder.host}, since ${holder.since}).\n` +
    'Nothing was claimed or sent. A running bot already delivers due digests every minute, ' +
    'so there is usually nothing to do; to preview or deliver from here, stop it first, ' +
    'or run both against a PostgreSQL server (DATABASE_URL), where instances share the delivery ledger without posting twice.\n'
  );
}

/**
 * The ports this process can send through: the platforms configured in the environment
 * (posting only; no updates are received, so a running bot is not disturbed) and the
 * terminal, whose digests are printed on stdout.
 */
function deliveryPorts(runtime: CliRuntime, storage: Storage): Map<string, DeliveryPort> {
  const { config, log } = runtime;
  const secrets = secretsOf(config);
  const actions = createActionCodec(storage.actionTokens);
  const ports = new Map<string, DeliveryPort>([['terminal', createTerminalDeliveryPort({ print: (text) => runtime.stdout.write(text) })]]);
  if (config.TELEGRAM_BOT_TOKEN) {
    const telegram = createTelegramDeliveryPort({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, actions, log, secrets });
    ports.set(telegram.platform, telegram);
  }
  if (config.DISCORD_TOKEN) {
    const rest = createDiscordRest({ apiRoot: config.DISCORD_API_ROOT, token: config.DISCORD_TOKEN, log });
    const discord = createDiscordDeliveryPort({ rest, actions, log, secrets });
    ports.set(discord.platform, discord);
  }
  if (config.SLACK_BOT_TOKEN) {
    const client = createDeliveryClient({ token: config.SLACK_BOT_TOKEN, apiRoot: config.SLACK_API_ROOT, log, secrets });
    const slack = createSlackDeliveryPort({ client, actions, log, secrets });
    ports.set(slack.platform, slack);
  }
  return ports;
}

function hint(platform: string): string {
  if (platform === 'telegram') return 'set TELEGRAM_BOT_TOKEN';
  if (platform === 'discord') return 'set DISCORD_TOKEN';
  if (platform === 'slack') return 'set SLACK_BOT_TOKEN';
  return 'no adapter for it in this process';
}

function summary(at: Date, r: DeliveryPassResult): string {
  const taken = r.tookOver.claimed + r.tookOver.sending + r.tookOver.failed;
  const parts = [
    `${r.sent} sent`,
    `${r.empty} with nothing new`,
    `${r.failed} failed`,
    `${r.retrying} to retry later`,
    `${r.gone} recipients gone (paused)`,
    ...(taken ? [`${taken} resumed or retried`] : []),
    ...(r.released ? [`${r.released} handed back unsent`] : []),
    ...(r.expired ? [`${r.expired} given up (past the catch-up cut-off)`] : []),
  ];
  return `Delivery pass as of ${at.toISOString()}: ${r.claimed + taken === 0 ? 'nothing was due.' : `${parts.join(', ')}.`}`;
}

function printPreview(runtime: CliRuntime, at: Date, result: DeliveryPassResult): void {
  const out = runtime.stdout;
  out.write(`Dry run as of ${at.toISOString()}: nothing is claimed or sent.\n`);
  if (result.previews.length === 0) {
    out.write('Nothing is due.\n');
    return;
  }
  for (const preview of result.previews) out.write(`\n${previewHeading(preview)}\n${preview.answer ? `${renderText(preview.answer as Answer)}\n` : ''}`);
  const posts = result.previews.filter((p) => p.answer).length;
  out.write(`\n${posts} digest${posts === 1 ? '' : 's'} would be posted; ${result.previews.length - posts} with nothing new (no post).\n`);
}

function previewHeading(p: DigestPreview): string {
  const due = p.dueAt ? `, due ${p.dueAt.toISOString()}` : '';
  const source =
    p.source === 'new'
      ? ''
      : ` (${p.source === 'resume' ? 'resuming a stopped worker’s claim' : p.source === 'resend' ? 'resending: a worker stopped mid-send' : 'retrying a failed send'})`;
  return `── ${describeRecipient(p.recipient)} · ${p.localDate}${due}${source}${p.answer ? '' : ': nothing new, no post'} ──`;
}
