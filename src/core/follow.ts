import { arxivCategory, closestArxivCategories } from './arxiv-categories.ts';
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
/** Most mutes a recipient may have (the same limit as follows, for the same reason). */
export const MAX_MUTES = 25;
/** Longest topic or author name accepted. */
export const MAX_FOLLOW_LENGTH = 100;

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
    const category = arxivCategory(label);
    if (!category) {
      const close = closestArxivCategories(label);
      throw new DomainError(
        'InvalidArguments',
        `"${label}" is not an arXiv category.${close.length ? ` Did you mean ${close.join(', ')}?` : ' They look like cs.LG, stat.ML or hep-th.'}`,
      );
    }
    return { kind, value: category.toLowerCase(), label: category };
  }
  return { kind, value: label.toLowerCase(), label };
}

/**
 * Refuses a topic typed as a search (`-grokking`, `a OR b`, `"a phrase"`, parentheses): a
 * topic is matched as plain words, all of which a paper must contain, so an operator would be
 * stored as something other than what was meant (`follow -grokking` would match every paper
 * without grokking). `text` is the topic as typed after `follow`. Only following checks this;
 * `unfollow` still removes such a follow stored before the check existed.
 */
export function assertPlainTopic(text: string): void {
  const excluded = /(?:^|\s)(-[^\s-]\S*)/.exec(text)?.[1];
  const what = excluded
    ? `“${excluded.slice(0, 40)}” excludes a word from a search`
    : /(^|\s)or(\s|$)/i.test(text)
      ? 'OR joins two searches'
      : text.includes('"')
        ? 'Quotes make a phrase search'
        : /[()]/.test(text)
          ? 'Parentheses group a search'
          : undefined;
  if (!what) return;
  throw new DomainError(
    'InvalidArguments',
    `${what}, but a follow is a plain topic: papers match it when they have all of its words, like \`follow diffusion models\`. To follow either of two topics, follow each one.`,
  );
}

/** How a follow is shown and typed back: `grokking`, `author:Yann LeCun`, `cat:cs.LG`. */
export function followText(follow: Pick<Follow, 'kind' | 'label'>): string {
  return follow.kind === 'topic' ? follow.label : `${follow.kind === 'author' ? 'author' : 'cat'}:${follow.label}`;
}
