import { sql } from 'kysely';
import type { Follow } from '../core/follow.ts';
import type { Profile, ProfileInput, ProfileSource, ProfileStore, VotedPaper } from '../core/ports/profile-store.ts';
import { textVectorsOf } from './content-model.ts';
import type { Db } from './db.ts';
import { voteOf } from './feedback-store.ts';
import { inTransaction } from './in-transaction.ts';
import type { StoredProfileSource } from './schema.ts';

/** Materialised profiles over `recipient_profiles` (migration 2026_11_30_150000); the core builds them. */
export function createProfileStore(db: Db): ProfileStore {
  return {
    async load(recipients) {
      const profiles = new Map<number, Profile | 'stale'>();
      if (recipients.length === 0) return profiles;
      // The arrays as one JSON value a row: parsed natively, much faster than the driver's array parser.
      const { rows } = await sql<{
        recipient_id: number;
        stale: boolean;
        votes: number;
        seeds: number;
        a: [number[], number[], number[], string[], number[], number[], number[], number[]] | null;
        sources: StoredProfileSource[] | null;
      }>`
        select recipient_id, stale, votes, seeds,
          case when not stale then json_build_array(terms, weights, term_sources, items, item_weights, item_sources, dislike_terms, dislike_weights) end as a,
          case when not stale then sources end as sources
        from recipient_profiles where recipient_id = any(${[...new Set(recipients)]}::int[])`.execute(db);
      for (const row of rows) {
        if (row.stale || !row.a) {
          profiles.set(row.recipient_id, 'stale');
          continue;
        }
        const [terms, weights, termSources, items, itemWeights, itemSources, dislikeTerms, dislikeWeights] = row.a;
        profiles.set(row.recipient_id, {
          votes: row.votes,
          seeds: row.seeds,
          content: { terms, weights },
          contentSources: termSources,
          items,
          itemWeights,
          itemSources,
          dislikes: { terms: dislikeTerms, weights: dislikeWeights },
          sources: (row.sources ?? []).map(fromStored),
        });
      }
      return profiles;
    },

    rebuild(recipients, build, options) {
      const ids = [...new Set(recipients)].sort((a, b) => a - b);
      if (ids.length === 0) return Promise.resolve(new Map());
      return inTransaction(db, async (trx) => {
        // Lock the rows first, in id order (concurrent rebuilds wait for each other, never
        // deadlock): a vote committed after this marks its row stale once we are done.
        const { rows: locked } = await sql<{ recipient_id: number }>`
          insert into recipient_profiles (recipient_id)
          select id from recipients where id = any(${ids}::int[]) order by id
          on conflict (recipient_id) do update set stale = recipient_profiles.stale
          returning recipient_id`.execute(trx);
        const present = locked.map((row) => row.recipient_id);
        const [votes, seeds] = await Promise.all([latestVotes(trx, present, options.votes), topicSeeds(trx, present)]);
        const built = new Map<number, Profile>();
        const empty: number[] = [];
        const stored: Record<string, unknown>[] = [];
        for (const recipient of present) {
          const input: ProfileInput = { recipient, votes: votes.get(recipient) ?? [], seeds: seeds.get(recipient) ?? [] };
          if (input.votes.length === 0 && input.seeds.length === 0) {
            empty.push(recipient);
            continue;
          }
          const profile = build(input);
          built.set(recipient, profile);
          stored.push({
            recipient_id: recipient,
            votes: profile.votes,
            seeds: profile.seeds,
            terms: profile.content.terms,
            weights: profile.content.weights,
            term_sources: profile.contentSources,
            items: profile.items,
            item_weights: profile.itemWeights,
            item_sources: profile.itemSources,
            dislike_terms: profile.dislikes.terms,
            dislike_weights: profile.dislikes.weights,
            sources: profile.sources.map(toStored),
          });
        }
        if (empty.length > 0) await trx.deleteFrom('recipient_profiles').where('recipient_id', '=', sql<number>`any(${empty}::int[])`).execute();
        if (stored.length > 0) {
          // One statement for the batch: JSON arrays become the columns' arrays.
          await sql`
            update recipient_profiles rp set
              stale = false, votes = x.votes, seeds = x.seeds, terms = x.terms, weights = x.weights, term_sources = x.term_sources,
              items = x.items, item_weights = x.item_weights, item_sources = x.item_sources,
              dislike_terms = x.dislike_terms, dislike_weights = x.dislike_weights, sources = x.sources, built_at = now()
            from jsonb_to_recordset(${JSON.stringify(stored)}::jsonb) as x(
              recipient_id integer, votes integer, seeds integer, terms integer[], weights real[], term_sources smallint[],
              items text[], item_weights real[], item_sources smallint[], dislike_terms integer[], dislike_weights real[], sources jsonb)
            where rp.recipient_id = x.recipient_id`.execute(trx);
        }
        return built;
      });
    },
  };
}

/** Each recipient's latest `limit` votes, newest first, with what their papers are about. */
async function latestVotes(db: Db, recipients: readonly number[], limit: number): Promise<Map<number, VotedPaper[]>> {
  const byRecipient = new Map<number, VotedPaper[]>();
  if (recipients.length === 0) return byRecipient;
  // The arrays as JSON: parsed natively, much faster than the driver's array parser.
  const { rows } = await sql<{
    recipient_id: number;
    paper_id: string;
    vote: number;
    updated_at: Date;
    a: [number[] | null, number[] | null, string[], string[], string[]];
  }>`
    select f.recipient_id, f.paper_id, f.vote, f.updated_at, json_build_array(v.terms, v.weights, p.ai_keywords, p.authors, p.categories) as a
    from unnest(${[...recipients]}::int[]) as r(id)
    cross join lateral (
      select recipient_id, paper_id, vote, updated_at from feedback
      where recipient_id = r.id order by updated_at desc, paper_id limit ${limit}::int
    ) f
    join papers p on p.id = f.paper_id
    left join content_vectors v on v.paper_id = f.paper_id
    order by f.recipient_id, f.updated_at desc, f.paper_id`.execute(db);
  for (const row of rows) {
    const [terms, weights, keywords, authors, categories] = row.a;
    const voted: VotedPaper = {
      paperId: row.paper_id,
      vote: voteOf(row.vote),
      at: row.updated_at,
      vector: { terms: terms ?? [], weights: weights ?? [] },
      keywords,
      authors,
      categories,
    };
    const list = byRecipient.get(row.recipient_id);
    if (list) list.push(voted);
    else byRecipient.set(row.recipient_id, [voted]);
  }
  return byRecipient;
}

/** Each recipient's topic follows, oldest first, with their text as a vector (empty when no word is usable). */
async function topicSeeds(db: Db, recipients: readonly number[]): Promise<Map<number, ProfileInput['seeds']>> {
  const byRecipient = new Map<number, ProfileInput['seeds']>();
  if (recipients.length === 0) return byRecipient;
  const { rows } = await sql<{ recipient_id: number; value: string; label: string; terms: number[] | null; weights: number[] | null }>`
    with topics as materialized (
      select id, recipient_id, value, label, created_at from follows
      where recipient_id = any(${[...recipients]}::int[]) and kind = 'topic'
    ), texts as (
      select id as doc, value as text from topics
    ), ${textVectorsOf('texts')}
    select t.recipient_id, t.value, t.label, b.terms, b.weights
    from topics t left join built b on b.doc = t.id
    order by t.recipient_id, t.created_at, t.id`.execute(db);
  for (const row of rows) {
    const follow: Follow = { kind: 'topic', value: row.value, label: row.label };
    const seed = { follow, vector: { terms: row.terms ?? [], weights: row.weights ?? [] } };
    const list = byRecipient.get(row.recipient_id);
    if (list) list.push(seed);
    else byRecipient.set(row.recipient_id, [seed]);
  }
  return byRecipient;
}

function toStored(source: ProfileSource): StoredProfileSource {
  return source.kind === 'paper' ? { paper: source.paperId } : { follow: source.follow };
}

function fromStored(source: StoredProfileSource): ProfileSource {
  return 'paper' in source ? { kind: 'paper', paperId: source.paper } : { kind: 'follow', follow: source.follow };
}
