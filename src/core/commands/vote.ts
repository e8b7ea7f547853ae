import { z } from 'zod';
import type { Answer } from '../answer.ts';
import { DomainError } from '../errors.ts';
import { refreshProfile } from '../ranking/profiles.ts';
import { defineCommand } from './command.ts';
import { paperIdArg } from './paper.ts';

/** `vote <id> up|down|clear`: what the 👍/👎 buttons run, and typed where there are no buttons. Shifts later rankings for this recipient. */
export const voteCommand = defineCommand({
  name: 'vote',
  usage: '<arXiv id> up|down|clear',
  summary: 'Rate a paper 👍 (up) or 👎 (down), or clear your rating, so later picks fit you better.',
  options: [
    { name: 'id', type: 'string', description: 'An arXiv id or link, e.g. 2401.01234.', required: true, maxLength: 200 },
    {
      name: 'vote',
      type: 'string',
      description: 'Your rating.',
      required: true,
      choices: [
        { name: '👍 up', value: 'up' },
        { name: '👎 down', value: 'down' },
        { name: 'clear my rating', value: 'clear' },
      ],
    },
  ],
  answer: 'personal',
  fromText(rest) {
    const [id, vote] = rest.split(/\s+/);
    return { id: id ?? '', vote: vote?.toLowerCase() };
  },
  args: z.object({
    id: paperIdArg('Say which paper and how you rate it, e.g. `vote 2405.15071 up` (or `down`, `clear`).'),
    vote: z.enum(['up', 'down', 'clear'], { error: 'Rate it up, down or clear, e.g. `vote 2405.15071 up`.' }),
  }),
  async run({ id, vote }, ctx, deps): Promise<Answer> {
    const paper = await deps.papers.find(id);
    if (!paper) throw new DomainError('PaperNotFound', `Paper ${id} is not in my library, so it cannot be rated.`);
    const recipient = await deps.recipients.ensure(ctx.recipient);
    await deps.feedback.setVote(recipient, id, vote === 'clear' ? null : vote, deps.clock());
    // The profile is rebuilt now, so the next list already follows this vote.
    await refreshProfile(deps, recipient);
    const text =
      vote === 'up'
        ? `👍 Noted: more papers like “${paper.title}”.`
        : vote === 'down'
          ? `👎 Noted: fewer papers like “${paper.title}”.`
          : `Cleared your rating of “${paper.title}”.`;
    return { title: 'Feedback', cards: [], lines: [], notice: { tone: 'success', text }, actions: [], visibility: 'personal' };
  },
});
