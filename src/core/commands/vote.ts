import { z } from 'zod';
import type { Answer } from '../answer.ts';
import { DomainError } from '../errors.ts';
import { defineCommand } from './command.ts';
import { paperIdArg } from './paper.ts';

/** `vote <id> up|down|clear`: the 👍/👎 buttons. Shifts later rankings for this recipient. */
export const voteCommand = defineCommand({
  name: 'vote',
  usage: '<arXiv id> up|down|clear',
  summary: 'Rate a paper 👍 or 👎 so later picks fit you better.',
  hidden: true,
  options: [],
  answer: 'personal',
  fromText(rest) {
    const [id, vote] = rest.split(/\s+/);
    return { id: id ?? '', vote: vote?.toLowerCase() };
  },
  args: z.object({
    id: paperIdArg,
    vote: z.enum(['up', 'down', 'clear'], { error: 'Vote `up`, `down` or `clear`.' }),
  }),
  async run({ id, vote }, ctx, deps): Promise<Answer> {
    const paper = await deps.papers.find(id);
    if (!paper) throw new DomainError('PaperNotFound', `Paper ${id} is not in my library, so it cannot be rated.`);
    const recipient = await deps.recipients.ensure(ctx.recipient);
    await deps.feedback.setVote(recipient, id, vote === 'clear' ? null : vote, deps.clock());
    const text =
      vote === 'up'
        ? `👍 Noted: more papers like “${paper.title}”.`
        : vote === 'down'
          ? `👎 Noted: fewer papers like “${paper.title}”.`
          : `Cleared your rating of “${paper.title}”.`;
    return { title: 'Feedback', cards: [], lines: [], notice: { tone: 'success', text }, actions: [], visibility: 'personal' };
  },
});
