import type { Answer } from '../answer.ts';
import { daysBefore, utcDate } from '../clock.ts';
import { toCard } from '../paper.ts';
import { defineCommand } from './command.ts';
import { PERIOD_DAYS, periodArgs, periodFromText, periodOptions } from './period.ts';
import { cardActions, PAGE_SIZE, pageActions } from './shared.ts';

/** Pages offered: fifty pages of five. */
const MAX_TRENDING_PAGES = 50;

/** `trending [week|month] [page]`: the most upvoted papers listed in the last 7 or 30 days. */
export const trendingCommand = defineCommand({
  name: 'trending',
  aliases: ['hot'],
  usage: '[week|month] [page]',
  summary: 'The most upvoted papers of the last 7 days (week, the default) or 30 days (month).',
  options: periodOptions(MAX_TRENDING_PAGES),
  answer: 'public',
  fromText: periodFromText,
  args: periodArgs('trending', MAX_TRENDING_PAGES),
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
