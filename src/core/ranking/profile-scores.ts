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
 * (0 when the profile says nothing about it, or the recipient has no profile).
 */
export async function profileScores(
  store: Pick<Storage, 'ranking' | 'profiles'>,
  recipient: RecipientId | undefined,
  paperIds: readonly string[],
): Promise<Map<string, number>> {
  const ids = [...new Set(paperIds)];
  const scores = new Map<string, number>();
  if (ids.length === 0) return scores;
  const [features, profiles] = await Promise.all([store.ranking.features(ids), recipient === undefined ? undefined : loadProfiles(store, [recipient])]);
  const known = ids.filter((id) => features.has(id));
  const profile = recipient === undefined ? undefined : profiles?.get(recipient);
  if (!profile) {
    for (const id of known) scores.set(id, 0);
    return scores;
  }
  const scorer = new ProfileScorer(indexPapers(known.map((id) => features.get(id))));
  scorer.score(profile);
  known.forEach((id, pord) => scores.set(id, scorer.points(pord)));
  return scores;
}
