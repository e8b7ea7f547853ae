/** Longest command text accepted before parsing; anything longer is refused with a clear notice. */
export const MAX_COMMAND_LENGTH = 1000;

export interface CommandText {
  /** Lower-cased command name, '' when the text had none. */
  name: string;
  /** Everything after the name, trimmed. */
  rest: string;
}

/**
 * Splits chat text into a command name and its arguments. Accepts `/papers search x`,
 * `papers search x`, `/search x`, `/search@PaperBot x` and plain `search x`, and drops
 * control characters (a pasted terminal escape cannot reach a query).
 */
export function splitCommandText(text: string): CommandText {
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, '').trim();
  const words = clean.split(/\s+/);
  let index = 0;
  const first = (words[0] ?? '').replace(/^\//, '').replace(/@\w+$/, '').toLowerCase();
  if (first === 'papers' || first === 'paperboy') index = 1;
  const name = index === 0 ? first : (words[1] ?? '').replace(/^\//, '').toLowerCase();
  const rest = words.slice(index + 1).join(' ');
  return { name, rest: rest.trim() };
}

/**
 * Splits off a trailing page number: `grokking 2` → ['grokking', 2]. A number inside
 * quotes stays part of the query: `"gpt 4"` → ['"gpt 4"', undefined].
 */
export function splitTrailingPage(rest: string): [string, number | undefined] {
  const match = /^(.*\S)\s+(\d{1,4})$/.exec(rest);
  if (!match) return [rest, undefined];
  return [match[1]!, Number(match[2])];
}

/** Levenshtein distance, for "did you mean" suggestions on short command names. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
