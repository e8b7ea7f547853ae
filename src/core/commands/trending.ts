import { z } from 'zod';
import type { Answer } from '../answer.ts';
import { utcDate } from '../clock.ts';
import { toCard } from '../paper.ts';
import { defineCommand } from './command.ts';
import { cardActions, PAGE_SIZE, pageActions } from './shared.ts';

/** The windows `trending` offers, in days back from today (today included). */
const PERIOD_DAYS = { week: 7, month: 30 } as const;

/** `YYYY-MM-DD` of `days` days before `day`. */
function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return utcDate(date);
}

/** `trending [week|month] [page]`: the most upvoted papers listed in the last 7 or 30 days. */
export const trendingCommand = defineCommand({
  name: 'trending',
  aliases: ['hot'],
  usage: '[week|month] [page]',
  summary: 'The most upvoted papers of the last 7 days (week, the default) or 30 days (month).',
  options: [
    {
      name: 'period',
      type: 'string',
      description: 'week: the last 7 days (default); month: the last 30 days.',
      choices: [
        { name: 'week', value: 'week' },
        { name: 'month', value: 'month' },
      ],
    },
    { name: 'page', type: 'integer', description: 'Which page (default 1).', min: 1, max: 50 },
  ],
  answer: 'public',
  fromText(rest) {
    const args: { period?: string; page?: number; extra?: string } = {};
    for (const word of rest.split(/\s+/).filter(Boolean)) {
      if (/^\d{1,3}$/.test(word) && args.page === undefined) args.page = Number(word);
      else if (args.period === undefined && /^[a-z]+$/i.test(word)) args.period = word.toLowerCase();
      else args.extra = word;
    }
    return args;
  },
  args: z.object({
    period: z.enum(['week', 'month'], { error: 'Trending covers a `week` (the last 7 days) or a `month` (the last 30 days).' }).default('week'),
    page: z.number().int().min(1, 'Pages start at 1.').max(50, 'Only the first 50 pages are shown.').default(1),
    extra: z
      .undefined({ error: (issue) => `I did not understand "${String(issue.input)}": try \`trending\`, \`trending month\` or \`trending 2\`.` })
      .optional(),
  }),
  async run({ period, page }, ctx, deps): Promise<Answer> {
    const days = PERIOD_DAYS[period];
    const to = utcDate(deps.clock());
    const from = daysBefore(to, days - 1);
    const offset = (page - 1) * PAGE_SIZE;
    const [found, recipient] = await Promise.all([deps.papers.trending({ from, to, limit: PAGE_SIZE, offset }), deps.recipients.find(ctx.recipient)]);
    const votes = recipient
      ? await deps.feedback.votesOn(
          recipient,
          found.papers.map((p) => p.id),
        )
      : new Map();
    const title = `Trending: the last ${days} days`;
    if (found.papers.length === 0) {
      if (page > 1) {
        return {
          title,
          cards: [],
          lines: [],
          notice: { tone: 'info', text: `Page ${page} is past the last trending paper.` },
          actions: [],
          visibility: 'public',
        };
      }
      const latest = await deps.papers.latestListedDay();
      return {
        title,
        cards: [],
        lines: latest && latest < from ? [`The latest day with papers is ${latest}: try \`today ${latest}\`.`] : [],
        notice: {
          tone: 'info',
          text: latest
            ? `No upvoted papers are stored for ${from} to ${to}.${period === 'week' ? ' Try `trending month`.' : ''}`
            : 'Nothing is stored yet. An operator can fetch the day with `paperboy ingest hf`.',
        },
        actions: [],
        visibility: 'public',
      };
    }
    return {
      title,
      subtitle: `The most upvoted papers listed from ${from} to ${to}.`,
      cards: found.papers.map((paper) => toCard(paper, [], votes.get(paper.id))),
      lines: [],
      actions: [...cardActions(found.papers), ...pageActions('trending', (next) => ({ period, page: next }), page, found.hasMore)],
      page: { number: page, hasPrev: page > 1, hasNext: found.hasMore, offset },
      visibility: 'public',
    };
  },
});
