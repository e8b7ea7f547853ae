/**
 * Slack's mrkdwn: `&`, `<` and `>` are its control characters (links, mentions, `<!channel>`),
 * so every piece of core or paper text is escaped before it goes into a mrkdwn text object.
 * The other marks (`*bold*`, `_italic_`, `` `code` ``) are left as they are: core text uses
 * inline code for commands to type, and Slack offers no escape for the rest.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Undoes Slack's escaping of `&`, `<` and `>` in text it sends us (slash-command text). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Cuts text to at most `max` characters with an ellipsis, never leaving half an emoji. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/**
 * Escapes plain text and keeps the result within `max` characters: the text is cut before
 * escaping (so an entity is never cut in half), as far as needed for the escaped form to fit.
 */
export function escapeClip(text: string, max: number): string {
  let limit = max;
  for (;;) {
    const escaped = escapeMrkdwn(clip(text, limit));
    if (escaped.length <= max || limit <= 1) return escaped.length <= max ? escaped : '';
    // Escaping only lengthens text: shrink in proportion, by at least one character a round.
    limit = Math.min(limit - 1, Math.floor((limit * max) / escaped.length));
  }
}

/** A link in mrkdwn, `<url|label>`, for an http(s) URL Slack can carry; otherwise just the escaped label. */
export function link(url: string | undefined, label: string): string {
  return url && isLinkable(url) ? `<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>` : escapeMrkdwn(label);
}

/** An http(s) URL without characters that would break `<url|label>` or a block's URL field. */
export function isLinkable(url: string, max = 3000): boolean {
  return url.length <= max && /^https?:\/\/[^\s<>|]+$/.test(url);
}
