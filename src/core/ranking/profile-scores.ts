import type { Profile } from '../ports/profile-store.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import type { Storage } from '../ports/storage.ts';
import { indexPapers, ProfileScorer } from './paper-index.ts';
import { loadProfiles } from './profiles.ts';

/**
 * What a recipient's profile says about these papers, in personal points (the part of
 * `personalScore` that comes from its profile: content similarity, affinity, near-duplicates of
 * what it 👎): meant to break ties between papers a list ranks equal otherwise, such as search
 * results of the same relevance (higher first). The same points `today`, `foryou` and digests
 * add, whatever other papers are scored with them. Every asked id that is stored gets an entry
 * when the recipient has a profile; without one the map is empty (0 for every paper), and the
 * papers are not read at all, so an anonymous or new asker's search pays one profile lookup.
 */
export async function profileScores(
  store: Pick<Storage, 'ranking' | 'profiles'>,
  recipient: RecipientId | undefined,
  paperIds: readonly string[],
): Promise<Map<string, number>> {
  if (paperIds.length === 0 || recipient === undefined) return new Map();
  return pointsOf(store, (await loadProfiles(store, [recipient])).get(recipient), paperIds);
}

/** {@link profileScores} for a profile already loaded (undefined: none, every paper 0). */
export async function pointsOf(store: Pick<Storage, 'ranking'>, profile: Profile | undefined, paperIds: readonly string[]): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  const ids = [...new Set(paperIds)];
  if (ids.length === 0 || !profile) return scores;
  const features = await store.ranking.features(ids);
  const known = ids.filter((id) => features.has(id));
  const scorer = new ProfileScorer(indexPapers(known.map((id) => features.get(id))));
  scorer.score(profile);
  known.forEach((id, pord) => scores.set(id, scorer.points(pord)));
  return scores;
}
