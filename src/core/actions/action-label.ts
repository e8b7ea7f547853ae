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
      return 'similar to papers you liked';
    case 'top':
      return reason.day === null ? 'top paper of the day' : `top paper of ${reason.day}`;
    case 'shares':
      return `in common: ${reason.terms.join(', ')}`;
    case 'matched':
      return `has ${reason.words.join(', ')}${reason.missing.length ? `; not ${reason.missing.join(', ')}` : ''}`;
  }
}
