import { z } from 'zod';
import { previousDay, utcDate } from '../clock.ts';
import { toCard } from '../paper.ts';
import { rankWindow } from '../ranking/rank-window.ts';
import { defineCommand } from './command.ts';
import { cardActions, PAGE_SIZE, pageActions, reasonsFor } from './shared.ts';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Dates look like 2026-11-27.')
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && utcDate(new Date(`${day}T00:00:00Z`)) === day, 'That date does not exist.');

/** `today [YYYY-MM-DD|yesterday] [page]`: the day's papers, ranked for the recipient. */
export const todayCommand = defineCommand({
  name: 'today',
  aliases: ['top', 'daily'],
  usage: '[YYYY-MM-DD] [page]',
  summary: "The day's top papers, boosted by what you (or this channel) follow.",
  options: [{ name: 'date', type: 'string', description: 'A day like 2026-11-26, or "yesterday".', maxLength: 10 }],
  answer: 'public',
  fromText(rest) {
    const args: { date?: string; page?: number; extra?: string } = {};
    for (const word of rest.split(/\s+/).filter(Boolean)) {
      if (/^\d{1,3}$/.test(word) && args.page === undefined) args.page = Number(word);
      else if (word.toLowerCase() === 'yesterday') args.date = 'yesterday';
      else if (args.date === undefined && /^\d/.test(word)) args.date = word;
      else args.extra = word;
    }
    return args;
  },
  args: z.object({
    date: z.union([z.literal('yesterday'), isoDay]).optional(),
    page: z.number().int().min(1, 'Pages start at 1.').max(100, 'That page is past the end.').default(1),
    extra: z.undefined({ error: (issue) => `I did not understand "${String(issue.input)}": try \`today\`, \`today 2026-11-26\` or \`today 2\`.` }).optional(),
  }),
  async run(args, ctx, deps) {
    const todayUtc = utcDate(deps.clock());
    const requested = args.date === 'yesterday' ? previousDay(todayUtc) : (args.date ?? todayUtc);
    // The day's window (the latest day with papers on or before the one asked for) with its stamp, for what is cached of it.
    const [window, recipient] = await Promise.all([deps.ranking.window(requested, 1), deps.recipients.find(ctx.recipient)]);
    const day = window.latest;
    if (!day) {
      // Either the library is empty, or every stored day comes after the one asked for.
      const earliest = await deps.papers.earliestListedDay();
      return {
        title: earliest ? `No papers for ${requested}` : 'No papers yet',
        cards: [],
        lines: earliest
          ? [`Try \`today ${earliest}\`, or \`today\` for the latest day.`]
          : ['Nothing is stored yet. An operator can fetch the day with `paperboy ingest hf`.'],
        notice: {
          tone: 'info',
          text: earliest
            ? `No papers are stored on or before ${requested}; the earliest day with papers is ${earliest}.`
            : `No papers on or before ${requested}.`,
        },
        actions: [],
        visibility: 'public',
      };
    }
    const offset = (args.page - 1) * PAGE_SIZE;
    const ranked = await rankWindow(deps, { window, recipient, limit: PAGE_SIZE, offset });
    const shown = ranked.slice(0, PAGE_SIZE);
    const hasNext = ranked.length > PAGE_SIZE;
    const cards = shown.map((r) => toCard(r.paper, reasonsFor(r), r.vote));
    return {
      title: `Papers for ${day}`,
      ...(day !== requested ? { subtitle: `Nothing for ${requested} yet; showing ${day}, the latest day with papers.` } : {}),
      cards,
      lines: [],
      ...(cards.length === 0 ? { notice: { tone: 'info' as const, text: `Page ${args.page} is past the end of ${day}'s papers.` } } : {}),
      actions: [...cardActions(shown.map((r) => r.paper)), ...pageActions('today', (page) => ({ date: day, page }), args.page, hasNext)],
      page: { number: args.page, hasPrev: args.page > 1, hasNext, offset },
      visibility: 'public',
    };
  },
});
