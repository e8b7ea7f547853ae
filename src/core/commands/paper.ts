import { z } from 'zod';
import type { Answer } from '../answer.ts';
import { parseArxivId } from '../arxiv-id.ts';
import { DomainError } from '../errors.ts';
import { toCard } from '../paper.ts';
import { defineCommand } from './command.ts';
import { cardActions, followAction } from './shared.ts';

const ABSTRACT_LIMIT = 1500;

/** An arXiv id or link as an argument, read as a versionless id; `empty` is the message for leaving it out. */
export function paperIdArg(empty: string) {
  return z
    .string()
    .trim()
    .min(1, empty)
    .max(200, 'That is too long to be an arXiv id or link.')
    .transform((text, ctx) => {
      const id = parseArxivId(text);
      if (!id) {
        ctx.addIssue({ code: 'custom', message: `“${text.slice(0, 60)}” is not an arXiv id; they look like 2401.01234 or https://arxiv.org/abs/2401.01234.` });
        return z.NEVER;
      }
      return id;
    });
}

/** `paper <arXiv id or URL>`: one paper in detail. */
export const paperCommand = defineCommand({
  name: 'paper',
  aliases: ['show', 'abs'],
  usage: '<arXiv id or link>',
  summary: 'Show one paper in detail, with its abstract and links.',
  options: [{ name: 'id', type: 'string', description: 'An arXiv id or link, e.g. 2401.01234.', required: true, maxLength: 200 }],
  answer: 'public',
  fromText: (rest) => ({ id: rest }),
  args: z.object({ id: paperIdArg('Give an arXiv id or link, e.g. `paper 2401.01234`.') }),
  async run({ id }, ctx, deps): Promise<Answer> {
    const paper = await deps.papers.find(id);
    if (!paper) throw new DomainError('PaperNotFound', `Paper ${id} is not in my library (yet). Search with \`search <words>\`.`);
    const recipient = await deps.recipients.find(ctx.recipient);
    const vote = recipient ? (await deps.feedback.votesOn(recipient, [id])).get(id) : undefined;
    const followed = new Set(recipient ? (await deps.recipients.follows(recipient)).map((f) => f.value) : []);
    const abstract = paper.abstract.replace(/\s+/g, ' ').trim();
    const lines = [
      abstract.length > ABSTRACT_LIMIT ? `${abstract.slice(0, ABSTRACT_LIMIT)}…` : abstract,
      ...(paper.categories.length ? [`Categories: ${paper.categories.join(', ')}`] : []),
      ...(paper.aiKeywords.length ? [`Keywords: ${paper.aiKeywords.slice(0, 8).join(', ')}`] : []),
    ].filter(Boolean);
    const suggestions = paper.aiKeywords.filter((k) => k.length <= 40 && !followed.has(k.toLowerCase())).slice(0, 2);
    return {
      title: paper.title,
      // The abstract is shown in full below, so the card carries no snippet of it.
      cards: [{ ...toCard(paper, [], vote), snippet: '' }],
      lines,
      actions: [...cardActions([paper]), ...suggestions.map(followAction)],
      detail: true,
      visibility: 'public',
    };
  },
});
