import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Replaces every secret (and its URL-encoded form) in `text` with `[redacted]`.
 * grammY and discord.js put tokens into request URLs, which end up in error messages.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** A pino logger on stderr whose every line has the secrets redacted, whatever field they hide in. */
export function createLogger(options: { level: string; secrets?: readonly string[] }): Logger {
  const secrets = options.secrets ?? [];
  const destination = pino.destination({ fd: 2, sync: true });
  const stream = secrets.length ? { write: (line: string) => destination.write(redact(line, secrets)) } : destination;
  return pino({ level: options.level, base: undefined }, stream);
}
