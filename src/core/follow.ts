import { DomainError } from './errors.ts';

export type FollowKind = 'topic' | 'author' | 'category';

/** Something a recipient follows: a free-text topic, an author, or an arXiv category. */
export interface Follow {
  kind: FollowKind;
  /** Normalised: what matching and de-duplication use. */
  value: string;
  /** As the user wrote it (tidied), for display. */
  label: string;
}

/** Most follows a recipient may have; also Discord's autocomplete limit, so every follow can be offered. */
export const MAX_FOLLOWS = 25;
/** Longest topic or author name accepted. */
export const MAX_FOLLOW_LENGTH = 100;

const CATEGORY = /^[a-z][a-z-]*(\.[a-z][a-z-]*)?$/i;

/**
 * Parses what a user typed after `follow`/`unfollow`: `author:Name`, `cat:cs.LG`
 * (or `category:`), or a free-text topic. Throws DomainError('InvalidArguments') with a
 * message that says what to type instead.
 */
export function parseFollow(text: string): Follow {
  const tidy = text.replace(/\s+/g, ' ').trim();
  const prefixed = /^(author|cat|category)\s*:\s*(.*)$/i.exec(tidy);
  const kind: FollowKind = !prefixed ? 'topic' : prefixed[1]!.toLowerCase() === 'author' ? 'author' : 'category';
  const label = (prefixed ? prefixed[2]! : tidy).replace(/^["']+|["']+$/g, '').trim();

  if (label === '') {
    throw new DomainError(
      'InvalidArguments',
      kind === 'topic'
        ? 'Name a topic to follow, e.g. `follow grokking`.'
        : `Name the ${kind} after the colon, e.g. \`${kind === 'author' ? 'author:Yann LeCun' : 'cat:cs.LG'}\`.`,
    );
  }
  if (label.length > MAX_FOLLOW_LENGTH) {
    throw new DomainError('InvalidArguments', `That ${kind} is ${label.length} characters long; the limit is ${MAX_FOLLOW_LENGTH}.`);
  }
  if (!/[\p{L}\p{N}]/u.test(label)) {
    throw new DomainError('InvalidArguments', `"${label}" has no letters or digits to match papers on.`);
  }
  if (kind === 'category') {
    if (!CATEGORY.test(label)) {
      throw new DomainError('InvalidArguments', `"${label}" is not an arXiv category; they look like cs.LG, stat.ML or hep-th.`);
    }
    return { kind, value: label.toLowerCase(), label: canonicalCategory(label) };
  }
  return { kind, value: label.toLowerCase(), label };
}

/** `cs.lg` → `cs.LG`; `physics.comp-ph` keeps its lower-case subject. */
function canonicalCategory(text: string): string {
  const [archive = '', subject] = text.split('.');
  if (subject === undefined) return archive.toLowerCase();
  return `${archive.toLowerCase()}.${subject.length <= 2 ? subject.toUpperCase() : subject.toLowerCase()}`;
}

/** How a follow is shown and typed back: `grokking`, `author:Yann LeCun`, `cat:cs.LG`. */
export function followText(follow: Pick<Follow, 'kind' | 'label'>): string {
  return follow.kind === 'topic' ? follow.label : `${follow.kind === 'author' ? 'author' : 'cat'}:${follow.label}`;
}
