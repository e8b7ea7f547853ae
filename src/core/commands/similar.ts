import { z } from 'zod';
import type { Action, Answer } from '../answer.ts';
import { DomainError } from '../errors.ts';
import { toCard } from '../paper.ts';
import { similarPapers } from '../ranking/similar-papers.ts';
import { defineCommand } from './command.ts';
import { paperIdArg } from './paper.ts';
import { cardActions, PAGE_SIZE, pageActions } from './shared.ts';
import { splitTrailingPage } from './text.ts';

/** Pages of similar papers offered: past the first fifty, neighbours say little. */
export const MAX_SIMILAR_PAGES = 10;

/** `similar <id or link> [page]`: the papers closest in content to one paper, with what they share. */
export const similarCommand = defineCommand({
  name: 'similar',
  aliases: ['like', 'related', 'more'],
  usage: '<arXiv id or link> [page]',
  summary: 'Papers about the same things as one paper, with what they have in common.',
  options: [
    { name: 'paper', type: 'string', description: 'An arXiv id or link, e.g. 2401.01234.', required: true, maxLength: 200 },
    { name: 'page', type: 'integer', description: 'Which page of similar papers (default 1).', min: 1, max: MAX_SIMILAR_PAGES },
  ],
  answer: 'public',
  fromText(rest) {
    const [paper, page] = splitTrailingPage(rest.trim());
    return { paper, page };
  },
  args: z.object({
    paper: paperIdArg('Give an arXiv id or link, e.g. `similar 2401.01234`.'),
    page: z
      .number()
      .int()
      .min(1, 'Pages start at 1.')
      .max(MAX_SIMILAR_PAGES, `Only the first ${MAX_SIMILAR_PAGES} pages of similar papers are shown.`)
      .default(1),
  }),
  async run({ paper: id, page }, ctx, deps): Promise<Answer> {
    const offset = (page - 1) * PAGE_SIZE;
    const [found, recipient] = await Promise.all([similarPapers(deps, id, { limit: PAGE_SIZE, offset }), deps.recipients.find(ctx.recipient)]);
    if (found.status === 'unknown') throw new DomainError('PaperNotFound', `Paper ${id} is not in my library (yet). Search with \`search <words>\`.`);
    const title = `Similar to ${found.paper.title}`;
    if (found.status !== 'found') {
      const text =
        found.status === 'unindexed'
          ? `I have not read “${found.paper.title}” closely enough yet to compare it with other papers; try again once the library is indexed (\`paperboy reindex\`).`
          : `“${found.paper.title}” has no words distinctive enough to compare it with other papers (it may have no abstract).`;
      return { title, cards: [], lines: [], notice: { tone: 'info', text }, actions: [], visibility: 'public' };
    }
    const shown = found.papers.map((s) => s.paper);
    const votes =
      recipient && shown.length
        ? await deps.feedback.votesOn(
            recipient,
            shown.map((p) => p.id),
          )
        : new Map();
    const cards = found.papers.map((s) => toCard(s.paper, s.shared.length ? [{ kind: 'shares', terms: s.shared }] : [], votes.get(s.paper.id)));
    const actions: Action[] = [...cardActions(shown), ...pageActions('similar', (next) => ({ paper: id, page: next }), page, found.hasMore)];
    return {
      title,
      cards,
      lines: [],
      ...(cards.length === 0
        ? {
            notice: { tone: 'info' as const, text: page > 1 ? `Page ${page} is past the last similar paper.` : 'No other paper is about the same things yet.' },
          }
        : {}),
      actions,
      page: { number: page, hasPrev: page > 1, hasNext: found.hasMore, offset },
      visibility: 'public',
    };
  },
});
