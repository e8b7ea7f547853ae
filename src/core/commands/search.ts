import { z } from 'zod';
import type { Action, Answer } from '../answer.ts';
import { parseArxivId } from '../arxiv-id.ts';
import { utcDate } from '../clock.ts';
import { toCard } from '../paper.ts';
import type { TieBreak } from '../ports/paper-library.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import { pointsOf } from '../ranking/profile-scores.ts';
import { loadProfiles } from '../ranking/profiles.ts';
import { combineTieBreaks, recentAndUpvoted } from '../search-tie-break.ts';
import { type CommandDeps, defineCommand } from './command.ts';
import { cardActions, followAction, PAGE_SIZE, pageActions } from './shared.ts';
import { splitTrailingPage } from './text.ts';

/** Longest search accepted. */
export const MAX_QUERY_LENGTH = 300;

/** Every `author:Name` or `author:"Full Name"` inside a query. */
const AUTHOR_FILTERS = /(?:^|\s)author:(?:"([^"]*)"|(\S+))/gi;

/** A query split into its `author:` filters (all of which apply) and the words searched for. */
function splitAuthorFilters(query: string): { text: string; authors: string[] } {
  const authors = [...query.matchAll(AUTHOR_FILTERS)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter((name) => name !== '');
  return { text: query.replace(AUTHOR_FILTERS, ' ').replace(/\s+/g, ' ').trim(), authors };
}

/** `search <query> [page]`: full-text search with phrases, -exclusion, OR, author:Name and arXiv ids. */
export const searchCommand = defineCommand({
  name: 'search',
  aliases: ['find', 's'],
  usage: '<query> [page]',
  summary: 'Search papers by relevance: words, "exact phrases", -exclude, OR, author:Name, or an arXiv id/URL.',
  options: [
    { name: 'query', type: 'string', description: 'What to look for.', required: true, maxLength: 300 },
    { name: 'page', type: 'integer', description: 'Which page of results (default 1).', min: 1, max: 50 },
  ],
  answer: 'public',
  fromText(rest) {
    const [query, page] = splitTrailingPage(rest);
    return { query, page };
  },
  args: z.object({
    query: z
      .string()
      .trim()
      .min(1, 'Tell me what to search for, e.g. `search grokking`.')
      .max(MAX_QUERY_LENGTH, `Searches can be at most ${MAX_QUERY_LENGTH} characters.`),
    page: z.number().int().min(1, 'Pages start at 1.').max(50, 'Only the first 50 pages are shown; narrow the search.').default(1),
  }),
  async run({ query, page }, ctx, deps): Promise<Answer> {
    // Looked up while the search runs: only its tie-break and the votes shown need it.
    const asker = deps.recipients.find(ctx.recipient);
    asker.catch(() => {}); // a failure surfaces where it is awaited
    const id = parseArxivId(query);
    if (id) {
      const [paper, recipient] = await Promise.all([deps.papers.find(id), asker]);
      if (!paper) {
        return {
          title: `Search: ${query}`,
          cards: [],
          lines: [],
          notice: { tone: 'info', text: `Paper ${id} is not in my library (yet).` },
          actions: [],
          visibility: 'public',
        };
      }
      const votes = recipient ? await deps.feedback.votesOn(recipient, [id]) : new Map();
      return { title: `Search: ${query}`, cards: [toCard(paper, [], votes.get(id))], lines: [], actions: cardActions([paper]), visibility: 'public' };
    }

    const { text, authors } = splitAuthorFilters(query);
    const offset = (page - 1) * PAGE_SIZE;
    const found = await deps.papers.search({ text, authors, limit: PAGE_SIZE, offset, tieBreak: searchTieBreak(asker, deps) });
    const recipient = await asker;
    const topic = found.correctedTo ?? query;
    const [votes, followable] = await Promise.all([
      recipient
        ? deps.feedback.votesOn(
            recipient,
            found.papers.map((p) => p.id),
          )
        : new Map(),
      found.papers.length > 0 && page === 1 ? isFollowable(topic, recipient, deps) : false,
    ]);
    const cards = found.papers.map((paper) => {
      const partial = found.partial?.get(paper.id);
      return toCard(paper, partial ? [{ kind: 'matched', ...partial }] : [], votes.get(paper.id));
    });

    const actions: Action[] = [...cardActions(found.papers), ...pageActions('search', (next) => ({ query, page: next }), page, found.hasMore)];
    if (followable) actions.push(followAction(topic));

    return {
      title: `Search: ${query}`,
      ...(found.correctedTo && cards.length > 0 ? { subtitle: `Nothing matches “${text}”; showing results for “${found.correctedTo}”.` } : {}),
      cards,
      lines: [],
      ...(cards.length === 0
        ? {
            notice: {
              tone: 'info' as const,
              text: page > 1 ? `Page ${page} is past the last result.` : `No papers match “${query}”. Try fewer or different words.`,
            },
          }
        : {}),
      actions,
      page: { number: page, hasPrev: page > 1, hasNext: found.hasMore, offset },
      visibility: 'public',
    };
  },
});

/**
 * How `search` orders papers of equal relevance (the same words in the same places): recent and
 * upvoted first, plus what the recipient's profile says about each (the personal points `today`
 * and `foryou` add, so a paper like what they 👍 comes first among equals, a near-duplicate of
 * what they 👎 last). Profile points are in units of ln(upvotes) and freshness in log2, hence
 * the 1/ln 2. The recipient may still be being looked up (a promise): the profile is read once
 * it is known.
 */
export function searchTieBreak(
  recipient: RecipientId | undefined | Promise<RecipientId | undefined>,
  deps: Pick<CommandDeps, 'clock' | 'ranking' | 'profiles'>,
): TieBreak {
  const fresh = recentAndUpvoted(utcDate(deps.clock()));
  if (recipient === undefined) return fresh;
  // Read while the search looks for its candidates, not after.
  const profile = Promise.resolve(recipient).then(async (id) => (id === undefined ? undefined : (await loadProfiles(deps, [id])).get(id)));
  profile.catch(() => {}); // a failure surfaces where the tie-break awaits it
  const personal: TieBreak = async (candidates) =>
    pointsOf(
      deps,
      await profile,
      candidates.map((c) => c.id),
    );
  return combineTieBreaks([fresh, 1], [personal, 1 / Math.LN2]);
}

/** Offer "Follow <query>" for plain short topics the recipient does not follow yet. */
async function isFollowable(query: string, recipient: RecipientId | undefined, deps: CommandDeps): Promise<boolean> {
  if (query.length > 40 || /["():]|(^|\s)-\S|\bOR\b/.test(query)) return false;
  if (!recipient) return true;
  const follows = await deps.recipients.follows(recipient);
  return !follows.some((f) => f.kind === 'topic' && f.value === query.toLowerCase().replace(/\s+/g, ' '));
}
