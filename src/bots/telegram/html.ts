/**
 * Telegram HTML helpers. Telegram's HTML parse mode knows a handful of tags and only the
 * entities &lt; &gt; &amp; &quot; — every paper- or user-supplied string goes through
 * `escapeHtml` before it meets markup.
 */

/** Escapes `&`, `<` and `>` for text between tags. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for a double-quoted attribute value (also `"`). */
export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/**
 * Escapes plain text and turns core's `backtick` spans (command hints such as
 * `follow grokking`) into <code> tags. Balanced by construction: only matched pairs
 * of backticks become tags.
 */
export function formatInline(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

/** Whether `url` is a plain http(s) URL of at most 1000 characters, fit to link to. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s"<>]+$/i.test(url) && url.length <= 1000;
}

/** A link, or the escaped label alone when the URL is not a plain http(s) URL. */
export function link(url: string, label: string): string {
  if (!isWebUrl(url)) return escapeHtml(label);
  return `<a href="${escapeAttribute(url)}">${escapeHtml(label)}</a>`;
}

/**
 * Shortens plain text to at most `max` characters (an ellipsis included), preferring a
 * word boundary. Works on code points, so it never splits a surrogate pair.
 */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  const head = space > cut.length * 0.6 ? cut.slice(0, space) : cut;
  return `${head.replace(/[\s,;:.]+$/, '')}…`;
}

/**
 * The longest prefix of plain `text` whose `format`ted form fits in `budget` characters,
 * with an ellipsis when cut. Cutting happens before escaping, so no tag or entity is split.
 */
export function fitPlain(text: string, budget: number, format: (plain: string) => string = formatInline): string {
  if (format(text).length <= budget) return format(text);
  let low = 0;
  let high = Array.from(text).length;
  const chars = Array.from(text);
  // Binary search on the prefix length: formatted length grows with the prefix.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (format(`${chars.slice(0, mid).join('')}…`).length <= budget) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? '' : format(`${chars.slice(0, low).join('')}…`);
}
