import { sql } from 'kysely';
import type { Follow } from '../core/follow.ts';
import type { Profile, ProfileInput, ProfileSource, ProfileStore, VotedPaper } from '../core/ports/profile-store.ts';
import { createContentIndex } from './content-index.ts';
import { textVectorsOf } from './content-model.ts';
import type { Db } from './db.ts';
import { voteOf } from './feedback-store.ts';
import { inTransaction } from './in-transaction.ts';
import type { StoredProfileData, StoredProfileSource } from './schema.ts';

/** Materialised profiles over `recipient_profiles` (migration 2026_11_30_150000); the core builds them. */
export function createProfileStore(db: Db): ProfileStore {
  return {
    async load(recipients) {
      const profiles = new Map<number, Profile | 'stale'>();
      if (recipients.length === 0) return profiles;
      const rows = await db
        .selectFrom('recipient_profiles')
        .select(['recipient_id', 'stale', 'votes', 'seeds', sql<StoredProfileData | null>`case when not stale then data end`.as('data')])
        .where('recipient_id', '=', sql<number>`any(${[...new Set(recipients)]}::int[])`)
        .execute();
      for (const row of rows) {
        const data = row.data;
        if (row.stale || !data?.terms) {
          profiles.set(row.recipient_id, 'stale');
          continue;
        }
        profiles.set(row.recipient_id, {
          votes: row.votes,
          seeds: row.seeds,
          content: { terms: data.terms, weights: data.weights },
          contentSources: data.termSources,
          items: data.items,
          itemWeights: data.itemWeights,
          itemSources: data.itemSources,
          dislikes: { terms: data.dislikeTerms, weights: data.dislikeWeights },
          sources: data.sources.map(fromStored),
        });
      }
      return profiles;
    },

    async stale() {
      const rows = await db.selectFrom('recipient_profiles').select('recipient_id').where('stale', '=', true).orderBy('recipient_id').execute();
      return rows.map((row) => row.recipient_id);
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
        const content = createContentIndex(trx);
        const built = new Map<number, Profile>();
        const empty: number[] = [];
        const stored: Record<string, unknown>[] = [];
        for (const recipient of present) {
          const input: ProfileInput = { recipient, votes: votes.get(recipient) ?? [], seeds: seeds.get(recipient) ?? [] };
          if (input.votes.length === 0 && input.seeds.length === 0) {
            empty.push(recipient);
            continue;
          }
          const profile = await build(input, content);
          built.set(recipient, profile);
          const data: StoredProfileData = {
            terms: [...profile.content.terms],
            weights: [...profile.content.weights],
            termSources: [...profile.contentSources],
            items: [...profile.items],
            itemWeights: [...profile.itemWeights],
            itemSources: [...profile.itemSources],
            dislikeTerms: [...profile.dislikes.terms],
            dislikeWeights: [...profile.dislikes.weights],
            sources: profile.sources.map(toStored),
          };
          stored.push({ recipient_id: recipient, votes: profile.votes, seeds: profile.seeds, data });
        }
        if (empty.length > 0) await trx.deleteFrom('recipient_profiles').where('recipient_id', '=', sql<number>`any(${empty}::int[])`).execute();
        if (stored.length > 0) {
          // One statement for the batch.
          await sql`
            update recipient_profiles rp set stale = false, votes = x.votes, seeds = x.seeds, data = x.data, built_at = now()
            from json_to_recordset(${JSON.stringify(stored)}::json) as x(recipient_id integer, votes integer, seeds integer, data json)
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
