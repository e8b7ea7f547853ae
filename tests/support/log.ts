import { type Logger, pino } from 'pino';

/** A logger that prints nothing; tests assert on behaviour, not log lines. */
export const silentLog = pino({ level: 'silent' });

/** A real pino logger whose every line the test can read, e.g. to check that a token never shows. */
export interface CapturedLog {
  log: Logger;
  /** The raw JSON lines, as they would reach stderr. */
  lines: string[];
  /** Everything logged, as one text. */
  text(): string;
  /** The messages logged at a level ('warn', 'info', …). */
  messages(level: 'trace' | 'debug' | 'info' | 'warn' | 'error'): string[];
}

/** Captures every line at `level` (default trace) and above. */
export function captureLog(level = 'trace'): CapturedLog {
  const lines: string[] = [];
  const log = pino({ level, base: undefined }, { write: (line: string) => void lines.push(line) });
  return {
    log,
    lines,
    text: () => lines.join(''),
    messages: (wanted) => {
      const number = pino.levels.values[wanted];
      return lines
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .filter((entry) => entry.level === number)
        .map((entry) => entry.msg);
    },
  };
}
