import type { Answer } from '../answer.ts';
import { daysBefore, utcDate } from '../clock.ts';
import { toCard } from '../paper.ts';
import { rankWindow } from '../ranking/rank-window.ts';
import type { RecipientRef } from '../recipient.ts';
import { defineCommand } from './command.ts';
import { PERIOD_DAYS, periodArgs, periodFromText, periodOptions } from './period.ts';
import { cardActions, PAGE_SIZE, pageActions, reasonsFor } from './shared.ts';

/** Pages offered: twenty pages of five is more than a month holds that is worth reading. */
export const MAX_FORYOU_PAGES = 20;

/**
 * `foryou [week|month] [page]`: the best papers of the last 7 (or 30) days for this recipient,
 * by the one ranking (`rankWindow`): only papers matching its follows or like what it 👍, never
 * one it voted on (it has seen it) or muted.
 */
export const forYouCommand = defineCommand({
  name: 'foryou',
  aliases: ['mine', 'picks', 'recommended'],
  usage: '[week|month] [page]',
  summary: "The last week's (or month's) best papers for you, by what you 👍 and follow.",
  options: periodOptions(MAX_FORYOU_PAGES),
  answer: 'public',
  fromText: periodFromText,
  args: periodArgs('foryou', MAX_FORYOU_PAGES),
  async run({ period, page }, ctx, deps): Promise<Answer> {
    const recipient = await deps.recipients.find(ctx.recipient);
    const [follows, stored] = recipient ? await Promise.all([deps.recipients.countFollows(recipient), deps.profiles.load([recipient])]) : [0, new Map()];
    if (recipient === undefined || (follows === 0 && !stored.has(recipient))) return noProfileYet(ctx.recipient);

    const title = `For you: the last ${PERIOD_DAYS[period]} days`;
    const end = await deps.papers.latestListedDay(utcDate(deps.clock()));
    if (!end) {
      return {
        title,
        cards: [],
        lines: ['Nothing is stored yet. An operator can fetch the day with `paperboy ingest hf`.'],
        notice: { tone: 'info', text: 'No papers yet.' },
        actions: [],
        visibility: 'public',
      };
    }
    const from = daysBefore(end, PERIOD_DAYS[period] - 1);
    const window = await deps.ranking.span(from, end);
    const offset = (page - 1) * PAGE_SIZE;
    const ranked = await rankWindow(deps, { window, recipient, limit: PAGE_SIZE, offset, personalOnly: true, excludeVoted: true });
    const shown = ranked.slice(0, PAGE_SIZE);
    const hasNext = ranked.length > PAGE_SIZE;
    const cards = shown.map((r) => toCard(r.paper, reasonsFor(r), r.vote));
    const subtitle = `${from} to ${end}: papers matching what ${ctx.recipient.kind === 'channel' ? 'this channel follows or like what it' : 'you follow or like what you'} 👍, best first.`;
    const empty =
      page > 1
        ? { notice: { tone: 'info' as const, text: `Page ${page} is past the end of the list.` }, lines: [] }
        : {
            notice: { tone: 'info' as const, text: `Nothing new from ${from} to ${end} matches your follows or is like what you 👍.` },
            lines: [
              ...(period === 'week' ? ['Try `foryou month` for the last 30 days.'] : []),
              'Follow more with `follow <topic>`, or 👍 papers you like in `today` or `search`.',
            ],
          };
    return {
      title,
      subtitle,
      cards,
      ...(cards.length === 0 ? empty : { lines: [] }),
      actions: [...cardActions(shown.map((r) => r.paper)), ...pageActions('foryou', (next) => ({ period, page: next }), page, hasNext)],
      page: { number: page, hasPrev: page > 1, hasNext, offset },
      visibility: 'public',
    };
  },
});

/** The answer for a recipient the bot knows nothing about yet: how to tell it. */
function noProfileYet(ref: RecipientRef): Answer {
  const channel = ref.kind === 'channel';
  return {
    title: 'For you',
    cards: [],
    lines: [
      `👍 papers ${channel ? 'this channel likes' : 'you like'} with the button under each card (in \`today\`, \`search\` or a digest), or \`vote <id> up\`;`,
      'or follow a topic, an author or a category: `follow diffusion models`, `follow author:Yann LeCun`, `follow cat:cs.LG`.',
      `Then \`foryou\` shows the week's best papers for ${channel ? 'this channel' : 'you'}.`,
    ],
    notice: { tone: 'info', text: channel ? "I don't know what this channel likes yet." : "I don't know what you like yet." },
    actions: [],
    visibility: 'personal',
  };
}
