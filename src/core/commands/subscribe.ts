import { z } from 'zod';
import type { Answer } from '../answer.ts';
import { DomainError } from '../errors.ts';
import { nextPostTime } from '../schedule/due-slots.ts';
import { localDateTime } from '../schedule/local-time.ts';
import type { Cadence, Subscription, SubscriptionChanges } from '../subscription.ts';
import { offsetZones, resolveTimezone, suggestTimezones, timezoneNames } from '../timezone.ts';
import { defineCommand } from './command.ts';
import { rankSuggestions } from './suggestions.ts';

/** Most papers one digest may carry. */
export const MAX_PAPERS_PER_POST = 10;

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** 'HH:MM', 'H:MM', '9' (an hour, 0–23), '9am', '6:30pm' → 'HH:MM'; undefined when it is not a time of day. */
export function parseTimeOfDay(text: string): string | undefined {
  const match = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
  if (!match) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2] ?? '0');
  const meridiem = match[3]?.toLowerCase();
  if (meridiem) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

const timeArg = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const time = parseTimeOfDay(text);
    if (!time) {
      ctx.addIssue({ code: 'custom', message: `“${text.slice(0, 20)}” is not a time of day; use 24-hour HH:MM like 09:00 or 18:30.` });
      return z.NEVER;
    }
    return time;
  });

const timezoneArg = z
  .string()
  .trim()
  .max(64, 'Timezone names are at most 64 characters, like Europe/Berlin.')
  .transform((text, ctx) => {
    const zone = resolveTimezone(text);
    if (!zone) {
      ctx.addIssue({ code: 'custom', message: notATimezone(text) });
      return z.NEVER;
    }
    return zone;
  });

/** Why `text` is not a timezone, and what to type instead. */
function notATimezone(text: string): string {
  const shown = `“${text.slice(0, 40)}”`;
  const offset = offsetZones(text);
  if (offset) {
    // An offset never follows summer time, so a place's zone comes first.
    const places = offset.places.length ? offset.places : ['Europe/Berlin', 'America/New_York'];
    const list = places.length > 1 ? `${places.slice(0, -1).join(', ')} or ${places.at(-1)}` : places[0];
    const inverted = offset.fixed?.startsWith('Etc/') ? ' (these names invert the sign)' : '';
    const fixed = offset.fixed ? `, or ${offset.fixed} for a fixed ${offset.offset}${inverted}` : '';
    return `${shown} is a UTC offset, not an IANA timezone. Use your city's zone, which follows summer time, e.g. ${list}${fixed}.`;
  }
  const close = suggestTimezones(text);
  return `${shown} is not an IANA timezone.${close.length ? ` Did you mean ${close.join(', ')}?` : ' Use a name like Europe/Berlin, America/New_York or Asia/Kolkata.'}`;
}

/** Suggests IANA zones for what is typed ("new york" finds America/New_York). */
const completeTimezone = async (typed: string) => rankSuggestions(timezoneNames(), typed);

function describeWeekdays(days: number[]): string {
  if (days.length === 7) return 'every day';
  if (days.join() === '1,2,3,4,5') return 'on weekdays';
  if (days.join() === '6,7') return 'on weekends';
  return `on ${days.map((d) => DAY_NAMES[d - 1]).join(', ')}`;
}

/** "daily" or "weekly on mon", as settings show the cadence. */
function describeCadence(cadence: Cadence): string {
  return cadence.kind === 'weekly' ? `weekly on ${DAY_NAMES[cadence.day - 1]}` : 'daily';
}

/** Settings of a subscription as lines, with the next send time. */
export function describeSubscription(sub: Subscription, now: Date): string[] {
  const next = sub.status === 'active' ? nextPostTime(sub, now) : undefined;
  const nextLocal = next && localDateTime(next, sub.timezone);
  return [
    sub.cadence.kind === 'weekly'
      ? `Time: ${sub.sendTime} ${sub.timezone}, ${describeCadence(sub.cadence)} (the best of the week)`
      : `Time: ${sub.sendTime} ${sub.timezone}, ${describeWeekdays(sub.weekdays)}`,
    `Papers per post: ${sub.papersPerPost}`,
    `Post when nothing new matched: ${sub.postWhenEmpty ? 'yes' : 'no'}`,
    sub.status === 'paused'
      ? `Paused: ${sub.pausedReason ?? 'delivery failed'}. Subscribe again to resume.`
      : `Next post: ${nextLocal ? `${nextLocal.date} ${nextLocal.time} (${sub.timezone})` : 'none scheduled'}`,
  ];
}

/** `subscribe [HH:MM] [timezone]`: a daily digest here. */
export const subscribeCommand = defineCommand({
  name: 'subscribe',
  aliases: ['daily-picks'],
  usage: '[HH:MM] [timezone]',
  summary: 'Get a daily digest of new papers here at a local time (default 09:00, your last timezone or UTC).',
  options: [
    { name: 'time', type: 'string', description: 'Local time, HH:MM like 09:00 or 18:30 (default 09:00).', maxLength: 8 },
    {
      name: 'timezone',
      type: 'string',
      description: 'IANA timezone, e.g. Europe/Berlin (default: the last one you gave, else UTC).',
      maxLength: 64,
      complete: completeTimezone,
    },
    { name: 'channel', type: 'target-channel', description: 'Post in this channel instead of here.', posts: true },
  ],
  answer: 'personal',
  access: 'managers',
  fromText(rest) {
    const args: { time?: string; timezone?: string } = {};
    for (const word of rest.split(/\s+/).filter(Boolean)) {
      if (args.time === undefined && /^\d/.test(word)) args.time = word;
      else args.timezone = args.timezone ? `${args.timezone} ${word}` : word;
    }
    return args;
  },
  args: z.object({ time: timeArg.optional(), timezone: timezoneArg.optional() }),
  async run(args, ctx, deps): Promise<Answer> {
    const recipient = await deps.recipients.ensure(ctx.recipient);
    // A timezone given once is remembered (beyond an unsubscribe) and is the default after that.
    if (args.timezone) await deps.recipients.rememberTimezone(recipient, args.timezone);
    const timezone = args.timezone ?? (await deps.recipients.timezone(recipient));
    const { subscription, created } = await deps.subscriptions.subscribe(recipient, { sendTime: args.time, timezone }, deps.clock());
    const where = ctx.recipient.kind === 'channel' ? 'this channel' : 'you';
    const weekly = subscription.cadence.kind === 'weekly';
    return {
      title: 'Daily picks',
      cards: [],
      lines: describeSubscription(subscription, deps.clock()),
      notice: {
        tone: 'success',
        text: created
          ? `Subscribed: I'll post the best new papers for ${where} at ${subscription.sendTime} (${subscription.timezone}).`
          : `Updated: ${weekly ? `weekly picks (${describeCadence(subscription.cadence)})` : 'daily picks'} for ${where} at ${subscription.sendTime} (${subscription.timezone}).`,
      },
      actions: [],
      visibility: 'personal',
    };
  },
});

/** `unsubscribe`: stop the daily digest here. */
export const unsubscribeCommand = defineCommand({
  name: 'unsubscribe',
  aliases: ['stop'],
  usage: '',
  summary: 'Stop the daily digest here.',
  options: [{ name: 'channel', type: 'target-channel', description: 'Stop it in this channel instead of here.' }],
  answer: 'personal',
  access: 'managers',
  fromText: () => ({}),
  args: z.object({}),
  async run(_args, ctx, deps): Promise<Answer> {
    const recipient = await deps.recipients.find(ctx.recipient);
    if (!recipient || !(await deps.subscriptions.unsubscribe(recipient))) {
      throw new DomainError('NotSubscribed', `There is no daily digest ${ctx.recipient.kind === 'channel' ? 'in this channel' : 'for you'} to stop.`);
    }
    return {
      title: 'Daily picks',
      cards: [],
      lines: [],
      notice: { tone: 'success', text: 'Unsubscribed: no more daily posts here. Your follows are kept.' },
      actions: [],
      visibility: 'personal',
    };
  },
});

/** One setting `settings` can change: how its value is read, and what it changes. */
interface SettingSpec {
  /** The value (as typed, or as structured input sends it) as changes, or why it is not one. */
  read(value: unknown): { changes: SubscriptionChanges } | { error: string };
}

function setting<T>(schema: z.ZodType<T>, toChanges: (value: T) => SubscriptionChanges): SettingSpec {
  return {
    read(value) {
      const parsed = schema.safeParse(value);
      return parsed.success ? { changes: toChanges(parsed.data) } : { error: parsed.error.issues[0]?.message ?? 'That value is not valid.' };
    },
  };
}

/** The settings, by the name typed before the value. */
const SETTINGS: Record<string, SettingSpec> = {
  time: setting(timeArg, (sendTime) => ({ sendTime })),
  timezone: setting(timezoneArg, (timezone) => ({ timezone })),
  days: setting(
    z.string().transform((text, ctx) => {
      const days = parseWeekdays(text);
      if (!days) {
        ctx.addIssue({ code: 'custom', message: 'days look like `every`, `weekdays`, `weekends`, `mon-fri` or `mon,wed,fri`.' });
        return z.NEVER;
      }
      return days;
    }),
    (weekdays) => ({ weekdays }),
  ),
  cadence: setting(
    z.string().transform((text, ctx) => {
      const cadence = parseCadence(text);
      if (!cadence) {
        ctx.addIssue({ code: 'custom', message: 'cadence is `daily`, or `weekly` and a day: `weekly mon`.' });
        return z.NEVER;
      }
      return cadence;
    }),
    (cadence) => ({ cadence }),
  ),
  papers: setting(
    z.coerce
      .number({ error: `Papers per post is a number from 1 to ${MAX_PAPERS_PER_POST}.` })
      .int(`Papers per post is a whole number from 1 to ${MAX_PAPERS_PER_POST}.`)
      .min(1, `Papers per post is a number from 1 to ${MAX_PAPERS_PER_POST}.`)
      .max(MAX_PAPERS_PER_POST, `At most ${MAX_PAPERS_PER_POST} papers per post.`),
    (papersPerPost) => ({ papersPerPost }),
  ),
  empty: setting(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['on', 'off', 'yes', 'no'], { error: 'Use `empty on` or `empty off`.' })),
    (value) => ({ postWhenEmpty: value === 'on' || value === 'yes' }),
  ),
};

/** Other names typed for a setting. */
const SETTING_ALIASES: Record<string, string> = { tz: 'timezone', weekdays: 'days', count: 'papers' };

const SETTINGS_HELP =
  'Settings are `time HH:MM`, `timezone Area/City`, `days mon-fri`, `cadence daily|weekly <day>`, `papers N` and `empty on|off`, several separated by commas.';

/** The setting a name typed before a value stands for (`tz` → `timezone`); undefined when there is none. */
function settingName(typed: string): string | undefined {
  const name = typed.toLowerCase();
  const canonical = SETTING_ALIASES[name] ?? name;
  return Object.hasOwn(SETTINGS, canonical) ? canonical : undefined;
}

/**
 * `settings` text as `name value` pairs: `time 18:30, timezone Europe/Berlin`. A comma also
 * separates the days of `days mon, wed, fri`: a part that does not start with a setting's name
 * continues the days before it.
 */
function settingPairs(rest: string): { setting: string; value: string }[] {
  const pairs: { setting: string; value: string }[] = [];
  for (const part of rest.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [first = '', ...words] = part.split(/\s+/);
    const last = pairs.at(-1);
    if (last?.setting === 'days' && !settingName(first)) last.value += `, ${part}`;
    else pairs.push({ setting: first, value: words.join(' ') });
  }
  return pairs;
}

/**
 * What `settings` changes: `null` shows the settings. Text input arrives as `{ settings: pairs }`;
 * structured input (Discord) as one `setting` and its `value`, and no setting (or `show`) shows
 * them. Every pair is checked, and a message names the setting that is wrong; nothing changes
 * unless all are right.
 */
const settingArgs = z.preprocess(
  (raw) => {
    if (typeof raw !== 'object' || raw === null || 'settings' in raw) return raw;
    const { setting, value = '' } = raw as { setting?: unknown; value?: unknown };
    return { settings: setting === undefined || setting === 'show' ? [] : [{ setting, value }] };
  },
  z
    .object({ settings: z.array(z.object({ setting: z.string(), value: z.unknown() }), { error: SETTINGS_HELP }) }, { error: SETTINGS_HELP })
    .transform(({ settings }, ctx) => {
      const changes: SubscriptionChanges = {};
      const given = new Set<string>();
      const refuse = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      for (const pair of settings) {
        const name = settingName(pair.setting);
        if (!name) return refuse(`There is no setting “${pair.setting.slice(0, 30)}”. ${SETTINGS_HELP}`);
        if (given.has(name)) return refuse(`\`${name}\` is given twice; give each setting once.`);
        const read = SETTINGS[name]!.read(pair.value);
        if ('error' in read) return refuse(`\`${name}\`: ${read.error}`);
        given.add(name);
        Object.assign(changes, read.changes);
      }
      return { changes: given.size > 0 ? changes : null };
    }),
);

/** 'daily', 'weekly mon', 'weekly on friday' → a cadence; undefined when unreadable (a weekly one needs its day). */
export function parseCadence(text: string): Cadence | undefined {
  const words = text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== 'on');
  if (words.length === 1 && words[0] === 'daily') return { kind: 'daily' };
  if (words.length !== 2 || words[0] !== 'weekly') return undefined;
  const day = FULL_DAY_NAMES.findIndex((name) => words[1]!.length >= 3 && name.startsWith(words[1]!)) + 1;
  return day > 0 ? { kind: 'weekly', day } : undefined;
}

/** 'every', 'weekdays', 'weekends', 'mon-fri', 'mon,wed,fri' → ISO weekdays; undefined when unreadable. */
export function parseWeekdays(text: string): number[] | undefined {
  const t = text.trim().toLowerCase();
  if (['every', 'daily', 'all', 'everyday', 'every day'].includes(t)) return [1, 2, 3, 4, 5, 6, 7];
  if (t === 'weekdays') return [1, 2, 3, 4, 5];
  if (t === 'weekends') return [6, 7];
  const index = (name: string) => DAY_NAMES.indexOf(name.slice(0, 3) as (typeof DAY_NAMES)[number]) + 1;
  const days = new Set<number>();
  for (const part of t.split(/[\s,]+/).filter(Boolean)) {
    const range = /^([a-z]+)-([a-z]+)$/.exec(part);
    if (range) {
      const from = index(range[1]!);
      const to = index(range[2]!);
      if (!from || !to || from > to) return undefined;
      for (let d = from; d <= to; d++) days.add(d);
    } else {
      const d = index(part);
      if (!d) return undefined;
      days.add(d);
    }
  }
  return days.size ? [...days].sort((a, b) => a - b) : undefined;
}

/** `settings [time HH:MM, timezone Area/City, days mon-fri, cadence daily|weekly <day>, papers N, empty on|off]`: show or change the digest. */
export const settingsCommand = defineCommand({
  name: 'settings',
  aliases: ['config'],
  usage: '[time HH:MM, timezone Area/City, days mon-fri, cadence daily|weekly <day>, papers N, empty on|off]',
  summary: 'Show or change the digest: time, timezone, days, daily or weekly, papers per post, empty posts.',
  options: [
    {
      name: 'setting',
      type: 'string',
      description: 'What to change (leave out to show the settings).',
      choices: [
        { name: 'time (HH:MM)', value: 'time' },
        { name: 'timezone (Area/City)', value: 'timezone' },
        { name: 'days (every, weekdays, mon-fri, mon,wed,fri)', value: 'days' },
        { name: 'cadence (daily, weekly mon)', value: 'cadence' },
        { name: `papers per post (1-${MAX_PAPERS_PER_POST})`, value: 'papers' },
        { name: 'post when nothing new matched (on/off)', value: 'empty' },
      ],
    },
    {
      name: 'value',
      type: 'string',
      description: 'The new value.',
      maxLength: 64,
      complete: async (typed, _ctx, _deps, args) => (args.setting === 'timezone' ? completeTimezone(typed) : []),
    },
  ],
  answer: 'personal',
  access: (args) => (args.changes ? 'managers' : 'anyone'),
  fromText: (rest) => ({ settings: rest.trim().toLowerCase() === 'show' ? [] : settingPairs(rest) }),
  args: settingArgs,
  async run({ changes }, ctx, deps): Promise<Answer> {
    const recipient = await deps.recipients.find(ctx.recipient);
    const current = recipient ? await deps.subscriptions.find(recipient) : undefined;
    if (!recipient || !current) {
      throw new DomainError('NotSubscribed', 'There is no daily digest here yet; start one with `subscribe [HH:MM] [timezone]`.');
    }
    if (!changes) {
      return { title: 'Daily picks settings', cards: [], lines: describeSubscription(current, deps.clock()), actions: [], visibility: 'personal' };
    }
    if (changes.timezone) await deps.recipients.rememberTimezone(recipient, changes.timezone);
    const updated = await deps.subscriptions.update(recipient, changes, deps.clock());
    return {
      title: 'Daily picks settings',
      cards: [],
      lines: describeSubscription(updated ?? current, deps.clock()),
      notice: { tone: 'success', text: 'Settings saved.' },
      actions: [],
      visibility: 'personal',
    };
  },
});
