import type { Action, Reason } from '../answer.ts';

/**
 * The usual English label of a button, for adapters that have no wording of their own
 * (each may add numbering, marks or shorten it to fit).
 */
export function actionLabel(action: Action): string {
  switch (action.kind) {
    case 'vote':
      return action.vote === 'up' ? '👍' : action.vote === 'down' ? '👎' : 'Clear vote';
    case 'follow':
      return action.follow ? `Follow “${action.topic}”` : `✓ Following “${action.topic}”`;
    case 'page':
      return action.direction === 'prev' ? '◀ Previous' : 'Next ▶';
    case 'similar':
      return 'More like this';
  }
}

/** A reason as one line of English: "matches your follow: grokking", "top paper of the day". */
export function reasonText(reason: Reason): string {
  switch (reason.kind) {
    case 'follow':
      return `matches your follow: ${reason.follow}`;
    case 'liked':
      return reason.paper ? `like “${shortTitle(reason.paper.title)}” that you 👍` : 'similar to papers you liked';
    case 'related':
      return `related to your follow: ${reason.follow}`;
    case 'top':
      return reason.day === null ? 'top paper of the day' : `top paper of ${reason.day}`;
    case 'shares':
      return `in common: ${reason.terms.join(', ')}`;
    case 'matched':
      return `has ${reason.words.join(', ')}${reason.missing.length ? `; not ${reason.missing.join(', ')}` : ''}`;
  }
}

/** Longest title a reason quotes. */
const SHORT_TITLE = 60;

/**
 * A title short enough to quote in a reason: the name before its first colon when it has one
 * ("HippoRAG", "Grokked Transformers are Implicit Reasoners"), cut at a word to 60 characters.
 */
export function shortTitle(title: string): string {
  const tidy = title.replace(/\s+/g, ' ').trim();
  const colon = tidy.indexOf(': ');
  const head = colon >= 3 ? tidy.slice(0, colon) : tidy;
  if (head.length <= SHORT_TITLE) return head;
  const cut = head.slice(0, SHORT_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > SHORT_TITLE / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}
