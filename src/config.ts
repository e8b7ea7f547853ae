import cron from 'node-cron';
import { z } from 'zod';

const optionalText = z.string().trim().optional();

/** `"value"`, shortened, for messages (the value a variable had). */
const quoted = (value: unknown) => {
  const text = String(value);
  return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`;
};

const httpRoot = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .pipe(z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got ${quoted(issue.input)}` }))
    .transform((url) => url.replace(/\/+$/, ''));

/** A whole number within bounds; `what` completes "must be …", e.g. "a port number from 1 to 65535". */
const wholeNumber = (min: number, max: number, what: string) =>
  z
    .string()
    .trim()
    .refine((text) => /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max, {
      error: (issue) => `must be ${what}, got ${quoted(issue.input)}`,
    })
    .transform(Number);

const ARXIV_CATEGORY = /^[a-z-]+(\.[A-Za-z-]+)?$/;

const arxivCategories = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .refine((categories) => categories.every((category) => ARXIV_CATEGORY.test(category)), {
    error: (issue) => {
      const wrong = (issue.input as string[]).find((category) => !ARXIV_CATEGORY.test(category));
      return `must be comma-separated arXiv categories like cs.LG,stat.ML; ${quoted(wrong)} is not one`;
    },
  });

const cronExpression = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((expression) => cron.validate(expression), {
      error: (issue) => `must be a cron expression like "*/30 * * * *", got ${quoted(issue.input)}`,
    });

const discordId = optionalText.pipe(
  z
    .string()
    .regex(/^\d{15,25}$/, { error: (issue) => `must be a Discord id (15 to 25 digits), got ${quoted(issue.input)}` })
    .optional(),
);

/** Discord allows far fewer; this only catches typos. */
const MAX_DISCORD_SHARDS = 10_000;

/** DISCORD_SHARD_COUNT: a number of shards, or `auto` (Discord's recommendation from `GET /gateway/bot`). */
const discordShardCount = optionalText.pipe(
  z
    .string()
    .refine((text) => text === 'auto' || (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_DISCORD_SHARDS), {
      error: (issue) => `must be a number of shards from 1 to ${MAX_DISCORD_SHARDS}, or auto (Discord's recommendation), got ${quoted(issue.input)}`,
    })
    .transform((text): number | 'auto' => (text === 'auto' ? 'auto' : Number(text)))
    .optional(),
);

/** DISCORD_SHARD_IDS: ids and ranges, comma-separated (`0-3`, `4,5`, `0-1,6`), as a sorted list. */
const discordShardIds = optionalText.pipe(
  z
    .string()
    .transform((text, ctx) => {
      const parts = text.split(',').map((part) => part.trim());
      const ids: number[] = [];
      for (const part of parts) {
        const range = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
        if (!range) {
          ctx.addIssue({ code: 'custom', message: `must be shard ids and ranges, comma-separated, like 0-3 or 4,5; got ${quoted(text)}` });
          return z.NEVER;
        }
        const from = Number(range[1]);
        const to = range[2] === undefined ? from : Number(range[2]);
        if (to < from) {
          ctx.addIssue({ code: 'custom', message: `has the range ${part}, which runs backwards (write ${to}-${from})` });
          return z.NEVER;
        }
        if (to >= MAX_DISCORD_SHARDS) {
          ctx.addIssue({ code: 'custom', message: `has shard ${to}; shard ids run from 0 to at most ${MAX_DISCORD_SHARDS - 1}` });
          return z.NEVER;
        }
        for (let id = from; id <= to; id++) ids.push(id);
      }
      const twice = ids.find((id, i) => ids.indexOf(id) !== i);
      if (twice !== undefined) {
        ctx.addIssue({ code: 'custom', message: `lists shard ${twice} more than once, in ${quoted(text)}` });
        return z.NEVER;
      }
      return ids.sort((a, b) => a - b);
    })
    .optional(),
);

/**
 * A Slack token of one kind (`xoxb-` bot token, `xapp-` app-level token). The value is never
 * echoed in a message: a wrong token is still a secret.
 */
const slackToken = (prefix: 'xoxb-' | 'xapp-', what: string, where: string) =>
  optionalText.pipe(
    z
      .string()
      .refine((text) => text.startsWith(prefix) && /^[A-Za-z0-9-]+$/.test(text) && text.length >= 20, {
        error: (issue) => {
          const text = String(issue.input);
          const other = prefix === 'xoxb-' ? 'xapp-' : 'xoxb-';
          const swapped = text.startsWith(other)
            ? ` This one starts with ${other}: ${other === 'xapp-' ? 'that is the app-level token, for SLACK_APP_TOKEN' : 'that is the bot token, for SLACK_BOT_TOKEN'}.`
            : '';
          return `must be ${what} starting with ${prefix} (${where}).${swapped}`;
        },
      })
      .optional(),
  );

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The environment paperboy reads, validated once at start. Every default is documented in
 * README.md, and every variable has its own message saying what it expects and what it got.
 * An empty variable counts as unset (see createConfig).
 */
export const envSchema = z.object({
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/, error: (issue) => `must be a postgres:// URL, got ${quoted(issue.input)}` }).optional()),
  PAPERBOY_DATA_DIR: z.string().trim().default('data'),
  HF_API_ROOT: httpRoot('https://huggingface.co'),
  ARXIV_API_ROOT: httpRoot('https://export.arxiv.org'),
  ARXIV_CATEGORIES: arxivCategories,
  /** How long one upstream HTTP request may take. */
  HTTP_TIMEOUT_MS: wholeNumber(100, 300_000, 'a whole number of milliseconds from 100 to 300000').default(15_000),
  HF_POLL_CRON: cronExpression('*/30 * * * *'),
  ARXIV_POLL_CRON: cronExpression('30 1 * * *'),
  /** Set to 'false' to serve only what is stored (no polling). */
  INGEST_ON_START: z
    .string()
    .trim()
    .refine((value) => value === 'true' || value === 'false', { error: (issue) => `must be true or false, got ${quoted(issue.input)}` })
    .transform((value) => value === 'true')
    .default(true),
  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: httpRoot('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optionalText.pipe(
    z.url({ error: (issue) => `must be a URL, like https://bot.example.com/telegram, got ${quoted(issue.input)}` }).optional(),
  ),
  TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'may only use A-Z, a-z, 0-9, _ and - (Telegram rule), at most 256 of them')
      .optional(),
  ),
  TELEGRAM_WEBHOOK_PORT: wholeNumber(1, 65_535, 'a port number from 1 to 65535').default(8443),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: discordId,
  DISCORD_API_ROOT: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL like https://discord.com/api, got ${quoted(issue.input)}` }).optional(),
  ),
  DISCORD_GUILD_ID: discordId,
  /** Shards of the bot over all instances (a number, or `auto`); with DISCORD_SHARD_IDS, this instance serves only some. */
  DISCORD_SHARD_COUNT: discordShardCount,
  /** The shards this instance serves (default: all of DISCORD_SHARD_COUNT). */
  DISCORD_SHARD_IDS: discordShardIds,
  /** Enables the Slack adapter, with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP Events API). */
  SLACK_BOT_TOKEN: slackToken('xoxb-', 'a Slack bot token', 'OAuth & Permissions → Bot User OAuth Token'),
  /** Verifies that HTTP requests come from Slack (HTTP mode). */
  SLACK_SIGNING_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{16,128}$/i, { error: 'must be the app’s signing secret (Basic Information → App Credentials): hexadecimal, 32 characters' })
      .optional(),
  ),
  /** Socket Mode: Slack opens a WebSocket to us, no public URL needed. */
  SLACK_APP_TOKEN: slackToken('xapp-', 'an app-level token with the connections:write scope', 'Basic Information → App-Level Tokens'),
  /** Port of the HTTP endpoint for Slack's requests (`/slack/events`) in HTTP mode. */
  SLACK_PORT: wholeNumber(0, 65_535, 'a port number from 0 to 65535 (0 picks a free one)').default(3000),
  /** Web API root, with `/api` (a fake in tests). */
  SLACK_API_ROOT: httpRoot('https://slack.com/api'),
  HTTP_PORT: wholeNumber(0, 65_535, 'a port number from 0 to 65535 (0 picks a free one)').optional(),
  DELIVERY_CATCH_UP_HOURS: z
    .string()
    .trim()
    .refine((text) => /^\d+(\.\d+)?$/.test(text) && Number(text) <= 24, {
      error: (issue) => `must be a number of hours from 0 to 24, got ${quoted(issue.input)}`,
    })
    .transform(Number)
    .default(6),
  /**
   * How long a stop (SIGTERM, SIGINT) may take: posts already handed to a platform finish and are
   * recorded, the rest is handed back; past this the process exits with code 1 anyway.
   */
  SHUTDOWN_TIMEOUT_MS: wholeNumber(1000, 600_000, 'a whole number of milliseconds from 1000 to 600000').default(8000),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(', ')}; got ${quoted(issue.input)}` }).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Settings that only make sense together. */
const completeEnvSchema = envSchema.superRefine((env, ctx) => {
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
    ctx.addIssue({
      code: 'custom',
      path: ['DISCORD_APPLICATION_ID'],
      message: 'is required when DISCORD_TOKEN is set (the application id from the Discord developer portal)',
    });
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['SLACK_BOT_TOKEN'],
      message:
        'needs SLACK_APP_TOKEN (Socket Mode: Slack connects to paperboy, no public URL) or SLACK_SIGNING_SECRET (HTTP: Slack calls paperboy on SLACK_PORT at /slack/events)',
    });
  }
  for (const name of ['SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'] as const) {
    if (env[name] && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'is set, but SLACK_BOT_TOKEN is not: set the bot token (xoxb-…) too, or unset this' });
    }
  }
  const ids = env.DISCORD_SHARD_IDS;
  const count = env.DISCORD_SHARD_COUNT;
  if (ids && count === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DISCORD_SHARD_IDS'],
      message: 'needs DISCORD_SHARD_COUNT, the number of shards over all instances (every instance gives the same count)',
    });
  }
  const outside = typeof count === 'number' ? ids?.find((id) => id >= count) : undefined;
  if (outside !== undefined && typeof count === 'number') {
    ctx.addIssue({
      code: 'custom',
      path: ['DISCORD_SHARD_IDS'],
      message: `has shard ${outside}, but DISCORD_SHARD_COUNT is ${count}: shard ids run from 0 to ${count - 1}`,
    });
  }
});

/** Thrown when the environment does not validate; the message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once at start. Pure: pass `process.env` in, get a typed config out.
 */
export function createConfig(env: Record<string, string | undefined>): Env {
  // `VAR= npm start` and `VAR=` in an env file mean "not set": the default applies.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = completeEnvSchema.safeParse(given);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`, { cause: result.error });
}

/** Every secret in the config, so logs and error messages can redact them. */
export function secretsOf(config: Env): string[] {
  return [
    config.TELEGRAM_BOT_TOKEN,
    config.DISCORD_TOKEN,
    config.TELEGRAM_WEBHOOK_SECRET,
    config.SLACK_BOT_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.SLACK_APP_TOKEN,
    passwordOf(config.DATABASE_URL),
  ].filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4);
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
