import { z } from 'zod';
import type { SubscriptionOverview } from '../../core/ports/subscription-store.ts';
import { describeRecipient } from '../../core/recipient.ts';
import { cutoffMs, dueSlots, nextPostTime } from '../../core/schedule/due-slots.ts';
import { localDateTime } from '../../core/schedule/local-time.ts';
import type { CliCommand } from '../cli-command.ts';
import { parseFlags } from '../parse-flags.ts';

const USAGE = [
  'paperboy subscriptions [--status active|paused] [--json]',
  '',
  'Lists the daily-picks subscriptions: recipient, local time and timezone, days (or weekly and its day), the next',
  'send time (UTC and local) and the latest delivery with its outcome.',
].join('\n');

const listArgs = z.object({
  status: z.enum(['active', 'paused'], { error: (issue) => `--status must be active or paused, got "${String(issue.input)}"` }).optional(),
  json: z.boolean().optional(),
});

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `paperboy subscriptions`: who gets daily picks, when next, and how the last one went. */
export const subscriptionsCommand: CliCommand = {
  name: 'subscriptions',
  summary: 'list daily-picks subscriptions with their next send time and last outcome',
  usage: USAGE,
  async run(argv, runtime) {
    const args = parseFlags(argv, { status: { type: 'string' }, json: { type: 'boolean' } }, listArgs);
    const storage = await runtime.openStorage();
    const now = runtime.now();
    const cutoff = cutoffMs(runtime.config.DELIVERY_CATCH_UP_HOURS);
    const subscriptions = await storage.subscriptions.overview(args.status ? { status: args.status } : {});
    // "Due now" is what the next delivery pass would claim: the ledger's own rule, for the same slots.
    const active = subscriptions.filter((sub) => sub.status === 'active');
    const due = await storage.ledger.dueSubscriptions(
      dueSlots(active, now, cutoff),
      active.map((sub) => sub.id),
    );
    const rows = subscriptions.map((sub) => ({ ...sub, next: nextPost(sub, now, due.get(sub.id)) }));

    if (args.json) {
      runtime.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      runtime.stdout.write(
        args.status ? `No ${args.status} subscriptions.\n` : 'No subscriptions yet. Users subscribe with `/papers subscribe [HH:MM] [timezone]`.\n',
      );
      return 0;
    }
    const table = [
      ['ID', 'RECIPIENT', 'SCHEDULE', 'NEXT POST', 'LAST DELIVERY'],
      ...rows.map((row) => [String(row.id), describeRecipient(row.recipient), schedule(row), nextText(row), lastText(row)]),
    ];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
    runtime.stdout.write(
      `${table
        .map((line) =>
          line
            .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!)))
            .join('  ')
            .trimEnd(),
        )
        .join('\n')}\n`,
    );
    return 0;
  },
};

/** When the next post goes out: 'due' when it is due now (a pass will send it), else the next send time. */
type NextPost = { state: 'due'; localDate: string } | { state: 'scheduled'; at: string; local: string } | { state: 'none' };

/** `dueFor`: the local date the subscription is due for now, as the ledger says; undefined when it is not due. */
function nextPost(sub: SubscriptionOverview, now: Date, dueFor: string | undefined): NextPost {
  if (sub.status !== 'active') return { state: 'none' };
  if (dueFor) return { state: 'due', localDate: dueFor };
  const next = nextPostTime(sub, now);
  if (!next) return { state: 'none' };
  const local = localDateTime(next, sub.timezone);
  return { state: 'scheduled', at: next.toISOString(), local: `${local.date} ${local.time}` };
}

function schedule(sub: SubscriptionOverview): string {
  if (sub.cadence.kind === 'weekly') return `${sub.sendTime} ${sub.timezone} weekly ${DAY_NAMES[sub.cadence.day - 1]}`;
  const days = sub.weekdays.length === 7 ? 'daily' : sub.weekdays.join() === '1,2,3,4,5' ? 'weekdays' : sub.weekdays.map((d) => DAY_NAMES[d - 1]).join(',');
  return `${sub.sendTime} ${sub.timezone} ${days}`;
}

function nextText(row: SubscriptionOverview & { next: NextPost }): string {
  if (row.status === 'paused') return `paused: ${row.pausedReason ?? 'delivery failed'}`;
  if (row.next.state === 'due') return `due now (${row.next.localDate})`;
  if (row.next.state === 'scheduled') return `${row.next.at.slice(0, 16).replace('T', ' ')} UTC (${row.next.local} local)`;
  return '—';
}

function lastText(sub: SubscriptionOverview): string {
  const last = sub.last;
  if (!last) return 'none yet';
  const when = last.sentAt ? ` at ${last.sentAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  const papers = last.status === 'sent' ? `, ${last.papers} paper${last.papers === 1 ? '' : 's'}` : '';
  const error = last.lastError && last.status !== 'sent' ? `: ${last.lastError}` : '';
  const attempts = last.attempts > 1 ? ` (${last.attempts} attempts)` : '';
  return `${last.localDate} ${last.status}${when}${papers}${error}${attempts}`;
}
