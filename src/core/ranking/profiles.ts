import type { Profile, ProfileBuilder } from '../ports/profile-store.ts';
import type { RecipientId } from '../ports/recipient-store.ts';
import type { Storage } from '../ports/storage.ts';
import { buildProfile, isEmptyProfile, PROFILE } from './profile.ts';
import { closest } from './similar-papers.ts';

/**
 * The profiles of these recipients, as rankings use them: stored ones as they are, stale ones
 * (votes or follows changed since they were built, by a path that did not rebuild them)
 * rebuilt first, in one batch. Recipients without a profile, or whose profile says nothing
 * about papers, are absent.
 */
export async function loadProfiles(store: Pick<Storage, 'profiles'>, recipients: readonly RecipientId[]): Promise<Map<RecipientId, Profile>> {
  const loaded = await store.profiles.load(recipients);
  const profiles = new Map<RecipientId, Profile>();
  const stale: RecipientId[] = [];
  for (const [recipient, profile] of loaded) {
    if (profile === 'stale') stale.push(recipient);
    else if (!isEmptyProfile(profile)) profiles.set(recipient, profile);
  }
  if (stale.length > 0) {
    // What was built is what is stored (weights are rounded for that), so a paper's points never
    // depend on whether its profile was rebuilt by this request.
    for (const [recipient, profile] of await store.profiles.rebuild(stale, expandedProfile, { votes: PROFILE.votes })) {
      if (!isEmptyProfile(profile)) profiles.set(recipient, profile);
    }
  }
  return profiles;
}

/**
 * Rebuilds one recipient's profile now (after a vote or a follow changed), so the next ranking
 * reads it ready: alphaXiv-style, a 👍 shows in the next list.
 */
export async function refreshProfile(store: Pick<Storage, 'profiles'>, recipient: RecipientId): Promise<void> {
  await store.profiles.rebuild([recipient], expandedProfile, { votes: PROFILE.votes });
}

/** Recipients whose profiles one rebuilding transaction takes (each needs a `nearest` when it has 👍). */
const REBUILD_BATCH = 200;

/**
 * Rebuilds every stale profile now, `writers` batches at a time (default 2; PGlite has one
 * connection, so they queue), rather than in the first rankings that read them: after a
 * reindex every profile is stale, and rebuilding one with 👍 costs a search of the library, so
 * the first digest pass would otherwise pay for all of them. Returns how many were rebuilt.
 */
export async function rebuildStaleProfiles(
  store: Pick<Storage, 'profiles'>,
  options: { writers?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const stale = await store.profiles.stale();
  let next = 0;
  let done = 0;
  let failed = false;
  options.onProgress?.(0, stale.length);
  const writer = async () => {
    while (!failed && next < stale.length) {
      const batch = stale.slice(next, (next += REBUILD_BATCH));
      await store.profiles.rebuild(batch, expandedProfile, { votes: PROFILE.votes }).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      done += batch.length;
      options.onProgress?.(done, stale.length);
    }
  };
  // Every writer finishes its batch in flight before the first failure is thrown.
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, options.writers ?? 2) }, writer));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return stale.length;
}

/**
 * A recipient's profile (`buildProfile`) expanded by the papers of the library closest to it,
 * which share its subject in words its votes and follows may not use (`PROFILE.expansion`).
 * Papers the recipient voted on are not neighbours: they are in the profile already. Only
 * for recipients who 👍 something.
 */
export const expandedProfile: ProfileBuilder = async (input, content) => {
  const profile = buildProfile(input);
  // Measured for recipients who 👍 papers; a topic follow alone already says what to match.
  if (!input.votes.some((vote) => vote.vote === 'up') || !profile.content.weights.some((weight) => weight > 0)) return profile;
  // Only papers about the same thing: in a small library the ten nearest may not be.
  const near = await closest(content, profile.content, {
    limit: PROFILE.expansion.candidates,
    exclude: input.votes.map((vote) => vote.paperId),
  });
  const neighbours = near.filter((entry) => entry.score >= PROFILE.expansion.minCosine).map((entry) => entry.vector);
  return neighbours.length === 0 ? profile : buildProfile({ ...input, neighbours });
};
