/**
 * Recipients with learned profiles for the `today` and `foryou` measures: follows through the
 * chat command, votes on papers of the corpus's last months cast over 120 days (so their
 * half-life decay matters), and the profile built once as the vote command leaves it.
 */
import type { CommandContext } from '../../src/core/commands/command.ts';
import type { Core } from '../../src/core/core.ts';
import type { Storage } from '../../src/core/ports/storage.ts';
import { refreshProfile } from '../../src/core/ranking/profiles.ts';
import { authorName, CORPUS_LAST_DAY, paperAt, type Rng, Zipf } from '../corpus.ts';
import { BENCH_PLATFORM, type BenchDb } from '../datasets.ts';
import { CATEGORIES, TOPICS } from '../vocab.ts';

export function ctxFor(externalId: string): CommandContext {
  return { recipient: { platform: BENCH_PLATFORM, externalId, kind: 'user' }, mayManage: async () => true };
}

/** Gives `user` 10 follows (6 topics, 2 authors, 2 categories) and `votes` votes (80 % 👍), then builds its profile. */
export async function addProfiledUser(bench: BenchDb, core: Core, storage: Storage, rng: Rng, user: string, votes: number): Promise<void> {
  const topics = new Zipf(TOPICS.length, 0.9);
  const authors = new Zipf(2000, 0.6);
  const follows = new Set<string>();
  while (follows.size < 6) follows.add(TOPICS[topics.sample(rng)]!);
  while (follows.size < 8) follows.add(`author:${authorName(authors.sample(rng))}`);
  while (follows.size < 10) follows.add(`cat:${rng.pick(CATEGORIES)}`);
  for (const follow of follows) {
    const answer = await core.run(`follow ${follow}`, ctxFor(user));
    if (answer.notice?.tone === 'error') throw new Error(`follow ${follow}: ${answer.notice.text}`);
  }
  const recipient = await storage.recipients.ensure(ctxFor(user).recipient);
  const recent = bench.layout.days.slice(-60);
  const last = Date.parse(`${CORPUS_LAST_DAY}T12:00:00Z`);
  for (let v = 0; v < votes; v++) {
    const day = rng.pick(recent);
    const paper = paperAt(bench.layout, day.start + rng.int(0, day.count - 1));
    const at = new Date(last - rng.int(0, 120) * 86_400_000);
    await storage.feedback.setVote(recipient, paper.id, rng.chance(0.8) ? 'up' : 'down', at);
  }
  await refreshProfile(storage, recipient);
}
