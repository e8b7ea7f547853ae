import { describe, expect, it } from 'vitest';
import { composeDigests } from '../../src/core/digest/compose-digests.ts';
import { profileScores } from '../../src/core/ranking/profile-scores.ts';
import { rankDay } from '../../src/core/ranking/rank-day.ts';
import type { Engine } from '../../src/db/create-db.ts';
import { createStorage } from '../../src/db/storage.ts';
import { asUser, testCore } from '../support/core.ts';
import { engines, openTestDb } from '../support/db.ts';
import { addSubscription } from '../support/schedule.ts';
import { topicPapers } from '../support/topic-papers.ts';

/** Everything a recipient is shown, with the scores behind it, after the same votes, follows and mutes. */
async function rankingsOn(engine: Engine) {
  const handle = await openTestDb(engine);
  try {
    const storage = createStorage(handle.db);
    await storage.papers.store(topicPapers);
    const core = testCore(handle.db);
    const me = asUser();
    const { recipientId } = await addSubscription(handle.db, { externalId: 'u1', follows: ['quadruped'], papersPerPost: 5, at: '2024-05-01T00:00:00Z' });
    for (const command of ['vote 2405.30001 up', 'vote 2405.30011 up', 'vote 2405.30021 down', 'follow protein structure', 'mute qubits']) {
      expect((await core.run(command, me)).notice?.tone).toBe('success');
    }
    const today = await rankDay(storage, { day: '2024-05-24', recipient: recipientId, limit: 20, offset: 0 });
    const foryou = await core.run('foryou month', me);
    const digest = await composeDigests(storage, [{ key: 1, recipientId, localDate: '2024-05-24', limit: 5, cadence: 'weekly' }]);
    const scores = await profileScores(
      storage,
      recipientId,
      topicPapers.map((paper) => paper.id),
    );
    return {
      today: today.map((r) => ({ id: r.paper.id, score: r.score, points: r.points, matched: r.matched, likedBy: r.likedBy })),
      foryou: foryou.cards.map((card) => ({ id: card.id, reasons: card.reasons })),
      digest,
      scores: [...scores].sort(),
    };
  } finally {
    await handle.close();
  }
}

describe.runIf(engines.length > 1)('one ranking on both engines', () => {
  it('ranks today, foryou and a digest identically on PGlite and Postgres, down to the scores', async () => {
    const [lite, server] = [await rankingsOn('pglite'), await rankingsOn('postgres')];
    expect(lite.today.length).toBeGreaterThan(3);
    expect(lite.foryou.length).toBeGreaterThan(3);
    expect(lite.digest.length).toBe(5);
    expect(lite.today.some((r) => r.points !== 0)).toBe(true);
    expect(server).toEqual(lite);
  });
});
