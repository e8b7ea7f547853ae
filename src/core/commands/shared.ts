import type { Action, Reason, Vote } from '../answer.ts';
import type { Paper } from '../paper.ts';

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
 * like what the recipient 👍. A paper they 👍 themselves is not called like what they liked: its
 * own keywords and authors are a large part of its affinity, and its card already shows the vote.
 */
export function reasonsFor(ranked: { matched: readonly string[]; affinity: number; vote?: Vote | undefined }): Reason[] {
  const reasons: Reason[] = ranked.matched.map((follow) => ({ kind: 'follow', follow }));
  if (ranked.affinity > 0 && ranked.vote !== 'up') reasons.push({ kind: 'liked' });
  return reasons;
}
