import cron from 'node-cron';
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpRoot = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
    .transform((url) => url.replace(/\/+$/, ''));

const csv = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const cronExpression = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((expression) => cron.validate(expression), 'must be a cron expression like "*/30 * * * *"');

/** The environment paperboy reads, validated once at start. Every default is documented in README.md. */
export const envSchema = z.object({
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional()),
  PAPERBOY_DATA_DIR: z.string().trim().min(1).default('data'),
  HF_API_ROOT: httpRoot('https://huggingface.co'),
  ARXIV_API_ROOT: httpRoot('https://export.arxiv.org'),
  ARXIV_CATEGORIES: csv.pipe(z.array(z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'must look like cs.LG or stat.ML'))),
  /** How long one upstream HTTP request may take. */
  HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  HF_POLL_CRON: cronExpression('*/30 * * * *'),
  ARXIV_POLL_CRON: cronExpression('30 1 * * *'),
  /** Set to 'false' to serve only what is stored (no polling). */
  INGEST_ON_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: httpRoot('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optionalText.pipe(z.url().optional()),
  TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'may only use A-Z, a-z, 0-9, _ and - (Telegram rule)')
      .optional(),
  ),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText.pipe(
    z
      .string()
      .regex(/^\d{15,25}$/, 'must be a Discord snowflake')
      .optional(),
  ),
  DISCORD_API_ROOT: optionalText.pipe(z.url().optional()),
  DISCORD_GUILD_ID: optionalText.pipe(
    z
      .string()
      .regex(/^\d{15,25}$/, 'must be a Discord snowflake')
      .optional(),
  ),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DELIVERY_CATCH_UP_HOURS: z.coerce.number().min(0).max(24).default(6),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
});

/** Thrown when the environment does not validate; the message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once at start. Pure: pass `process.env` in, get a typed config out.
 */
export function createConfig(env: Record<string, string | undefined>): Env {
  const result = completeEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`, { cause: result.error });
}

/** Every secret in the config, so logs and error messages can redact them. */
export function secretsOf(config: Env): string[] {
  return [config.TELEGRAM_BOT_TOKEN, config.DISCORD_TOKEN, config.TELEGRAM_WEBHOOK_SECRET, passwordOf(config.DATABASE_URL)].filter(
    (secret): secret is string => typeof secret === 'string' && secret.length >= 4,
  );
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
