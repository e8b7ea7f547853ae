import type { Action, Vote } from '../answer.ts';
import type { Paper } from '../paper.ts';

/** Papers per page in chat answers: five cards fit Telegram's 4096 characters and Discord's 6000. */
export const PAGE_SIZE = 5;

/** 👍/👎 buttons for each paper. */
export function voteActions(papers: readonly Pick<Paper, 'id'>[]): Action[] {
  return papers.flatMap((paper) =>
    (['up', 'down'] as const).map((vote: Vote) => ({
      kind: 'vote' as const,
      paperId: paper.id,
      vote,
      label: vote === 'up' ? '👍' : '👎',
      command: `vote ${paper.id} ${vote}`,
    })),
  );
}

/** ◀ ▶ buttons around page `page` of a list, re-running `command` with another page number. */
export function pageActions(command: string, page: number, hasNext: boolean): Action[] {
  const actions: Action[] = [];
  if (page > 1) actions.push({ kind: 'page', direction: 'prev', label: '◀ Previous', command: `${command} ${page - 1}` });
  if (hasNext) actions.push({ kind: 'page', direction: 'next', label: 'Next ▶', command: `${command} ${page + 1}` });
  return actions;
}

/** A "Follow <topic>" button. */
export function followAction(topic: string): Action {
  return { kind: 'follow', topic, label: `Follow “${topic}”`, command: `follow ${topic}` };
}

/** The reasons shown on a card for why it was picked. */
export function reasonsFor(ranked: { matched: string[]; affinity: number }): string[] {
  const reasons = ranked.matched.map((label) => `matches your follow: ${label}`);
  if (ranked.affinity > 0) reasons.push('similar to papers you liked');
  return reasons;
}
