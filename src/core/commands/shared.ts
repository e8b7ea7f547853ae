import type { Action, Reason, Vote } from '../answer.ts';
import type { Paper } from '../paper.ts';
import type { LikedBy } from '../ranking/rank-window.ts';
import { LIKED_MIN_POINTS } from '../ranking/score.ts';

/** Papers per page in chat answers: five cards fit Telegram's 4096 characters and Discord's 6000. */
export const PAGE_SIZE = 5;

/** 👍/👎 buttons for each paper. */
export function voteActions(papers: readonly Pick<Paper, 'id'>[]): Action[] {
  return papers.flatMap((paper) => (['up', 'down'] as const).map((vote: Vote): Action => ({ kind: 'vote', paperId: paper.id, vote })));
}

/** ◀ ▶ buttons around page `page` of a list: each runs `command` with the arguments `argsFor` gives for its page. */
export function pageActions(command: string, argsFor: (page: number) => Record<string, unknown>, page: number, hasNext: boolean): Action[] {
  const actions: Action[] = [];
  if (page > 1) actions.push({ kind: 'page', direction: 'prev', call: { command, args: argsFor(page - 1) } });
  if (hasNext) actions.push({ kind: 'page', direction: 'next', call: { command, args: argsFor(page + 1) } });
  return actions;
}

/** A "More like this" button for each paper (`similar`). */
export function similarActions(papers: readonly Pick<Paper, 'id'>[]): Action[] {
  return papers.map((paper): Action => ({ kind: 'similar', paperId: paper.id }));
}

/** The buttons every card carries: 👍/👎 and More like this. */
export function cardActions(papers: readonly Pick<Paper, 'id'>[]): Action[] {
  return [...voteActions(papers), ...similarActions(papers)];
}

/** A "Follow <topic>" button. */
export function followAction(topic: string): Action {
  return { kind: 'follow', topic, follow: true };
}

/**
 * The reasons shown on a card for why it was picked: the follows it matched, and whether it is
 * like what the recipient 👍 — naming the 👍 paper that adds most ("like “HippoRAG” that you
 * 👍"), or the followed topic it is close to without matching all its words. A paper they 👍
 * themselves is not called like what they liked: it is a large part of its own likeness, and
 * its card already shows the vote.
 */
export function reasonsFor(ranked: { matched: readonly string[]; points: number; vote?: Vote | undefined; likedBy?: LikedBy | undefined }): Reason[] {
  const reasons: Reason[] = ranked.matched.map((follow) => ({ kind: 'follow', follow }));
  if (ranked.points < LIKED_MIN_POINTS || ranked.vote === 'up') return reasons;
  const by = ranked.likedBy;
  if (by?.kind === 'follow') {
    if (!ranked.matched.includes(by.follow)) reasons.push({ kind: 'related', follow: by.follow });
  } else reasons.push(by ? { kind: 'liked', paper: { id: by.id, title: by.title } } : { kind: 'liked' });
  return reasons;
}
