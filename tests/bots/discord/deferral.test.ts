import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/schema.ts';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { dbGate } from '../../support/discord/db-gate.ts';
import { APPLICATION_ID, GUILD_ID, type Harness, startHarness } from '../../support/discord/harness.ts';
import { autocomplete, buttonsOf, click, focused, inGuild, slash, str } from '../../support/discord/interactions.ts';
import { snowflake } from '../../support/fakes/discord-server.ts';

const ALICE = '2000000000000000021';
const CHANNEL = '3000000000000000021';
const EPHEMERAL = 64;
/** Longer than Discord's 3 s acknowledgement window. */
const SLOW_MS = 3200;

const grokkingPapers = Array.from({ length: 7 }, (_, i) => ({
  id: `2405.400${String(i).padStart(2, '0')}`,
  title: `Grokking study number ${i}`,
  featuredOn: '2024-05-24',
  upvotes: 100 - i,
  source: 'hf' as const,
}));

/** For the mechanics tests: defer after this, with answers this slow (same paths, less waiting). */
const QUICK_DEFER_MS = 150;
const QUICK_SLOW_MS = 600;

describe('Discord acknowledgement within 3 s, with a slow or failing database', () => {
  const t = useTestDb('pglite');
  const gate = dbGate();
  const here = inGuild(ALICE, CHANNEL, GUILD_ID);
  afterEach(() => gate.heal());

  function harness(deferAfterMs?: number) {
    const state: { h: Harness } = {} as { h: Harness };
    beforeAll(async () => {
      const slowDb: Kysely<Database> = t.db.withPlugin(gate.plugin);
      state.h = await startHarness(slowDb, deferAfterMs === undefined ? {} : { deferAfterMs });
    });
    afterAll(async () => {
      await state.h?.close();
    });
    const ask = async (interaction: { id: string }) => {
      state.h.fake.interact(interaction);
      return state.h.fake.waitFor(() => state.h.fake.callbacksFor(interaction.id)[0], 5000, `callback for ${interaction.id}`);
    };
    return { state, ask };
  }

  describe('with real timing (defer after 2 s, a database slower than 3 s)', () => {
    const { state, ask } = harness();

    it('defers /papers today inside 3 s, then edits in the answer', async () => {
      await seedPapers(t.db);
      const i = slash(APPLICATION_ID, here, 'today');
      gate.slowNext(SLOW_MS);
      const sentAt = state.h.fake.interact(i);
      const deferred = await state.h.fake.waitFor(() => state.h.fake.callbacksFor(i.id)[0], 5000, 'defer');
      expect(deferred.type).toBe(5);
      expect(deferred.afterMs).toBeLessThan(3000);
      expect(deferred.data?.flags ?? 0).toBe(0); // public, like the answer will be
      const edit = await state.h.fake.waitFor(() => state.h.fake.webhooksFor(i.token).find((w) => w.method === 'PATCH'), 8000, 'edit');
      expect(edit.messageId).toBe('@original');
      expect(edit.at - sentAt).toBeGreaterThanOrEqual(SLOW_MS);
      expect(edit.body.embeds[0].title).toBe('Papers for 2024-05-24');
      expect(edit.body.embeds).toHaveLength(4);
      // The URL-encoded @original reached the fake's route.
      expect(state.h.fake.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original') && r.status === 200)).toBe(true);
    });

    it('defers at once when the interaction reaches the bot late', async () => {
      await seedPapers(t.db);
      const late = { ...slash(APPLICATION_ID, here, 'today'), id: snowflake(Date.now() - 1600) };
      gate.slowNext(900); // quick enough normally (< 2 s), too slow for what is left of this one
      const deferred = await ask(late);
      expect(deferred.type).toBe(5);
      await state.h.fake.waitFor(() => state.h.fake.webhooksFor(late.token).find((w) => w.method === 'PATCH'), 5000, 'edit');
    });

    it('answers autocomplete in time with no choices when the database is slow', async () => {
      const i = autocomplete(APPLICATION_ID, here, 'unfollow', [focused('topic', '')]);
      gate.slowNext(SLOW_MS);
      const callback = await ask(i);
      expect(callback.type).toBe(8);
      expect(callback.afterMs).toBeLessThan(3000);
      expect(callback.data.choices).toEqual([]);
    });
  });

  describe('mechanics, with a shorter defer delay', () => {
    const { state, ask } = harness(QUICK_DEFER_MS);

    it('replaces a deferred public reply with a private one when the answer is personal', async () => {
      const i = slash(APPLICATION_ID, here, 'paper', [str('id', '2401.99999')]);
      gate.slowNext(QUICK_SLOW_MS);
      const deferred = await ask(i);
      expect(deferred.type).toBe(5);
      const followUp = await state.h.fake.waitFor(() => state.h.fake.webhooksFor(i.token).find((w) => w.method === 'POST'), 5000, 'follow-up');
      expect(followUp.body.flags).toBe(EPHEMERAL);
      expect(followUp.body.embeds[0].description).toContain('Paper 2401.99999 is not in my library');
      expect(state.h.fake.webhooksFor(i.token).map((w) => w.method)).toEqual(['DELETE', 'POST']);
    });

    it('defers a slow page button as an update, then edits the message', async () => {
      await seedPapers(t.db, grokkingPapers);
      const search = slash(APPLICATION_ID, here, 'search', [str('query', 'grokking')]);
      const first = await ask(search);
      const next = buttonsOf(first.data).find((b) => b.label === 'Next ▶')!;
      const clickNext = click(APPLICATION_ID, here, next.custom_id!, state.h.fake.original(search.token));
      gate.slowNext(QUICK_SLOW_MS);
      const deferred = await ask(clickNext);
      expect(deferred.type).toBe(6);
      expect(deferred.afterMs).toBeLessThan(3000);
      const edit = await state.h.fake.waitFor(() => state.h.fake.webhooksFor(clickNext.token).find((w) => w.method === 'PATCH'), 5000, 'edit');
      expect(edit.body.embeds[0].footer.text).toBe('Page 2');
      expect(state.h.fake.original(clickNext.token).embeds[0].footer.text).toBe('Page 2');
    });

    it('confirms a slow vote privately after deferring', async () => {
      await seedPapers(t.db);
      const today = slash(APPLICATION_ID, here, 'today');
      const answer = await ask(today);
      const up = buttonsOf(answer.data).find((b) => b.label === '👍 2')!;
      const vote = click(APPLICATION_ID, here, up.custom_id!, state.h.fake.original(today.token));
      gate.slowNext(QUICK_SLOW_MS);
      expect((await ask(vote)).type).toBe(6);
      const followUp = await state.h.fake.waitFor(() => state.h.fake.webhooksFor(vote.token).find((w) => w.method === 'POST'), 5000, 'confirmation');
      expect(followUp.body.flags).toBe(EPHEMERAL);
      expect(followUp.body.embeds[0].description).toContain('👍 Noted');
    });

    it('replaces a public "thinking…" with a private error when rendering fails after deferring', async () => {
      await seedPapers(t.db, grokkingPapers);
      const query = `grokking ${'-missing '.repeat(12)}`.trim();
      const i = slash(APPLICATION_ID, here, 'search', [str('query', query)]);
      gate.slowNext(QUICK_SLOW_MS);
      gate.failOn('action_tokens'); // the long page button needs a stored token: that write fails
      const deferred = await ask(i);
      expect(deferred.type).toBe(5);
      const followUp = await state.h.fake.waitFor(() => state.h.fake.webhooksFor(i.token).find((w) => w.method === 'POST'), 5000, 'error follow-up');
      expect(followUp.body.flags).toBe(EPHEMERAL);
      expect(followUp.body.embeds[0].title).toBe('Something went wrong');
      expect(state.h.fake.webhooksFor(i.token).map((w) => w.method)).toEqual(['DELETE', 'POST']);
    });

    it('answers an unexpected failure privately with a reference that is in the log', async () => {
      await seedPapers(t.db, grokkingPapers);
      const query = `grokking ${'-nothing '.repeat(12)}`.trim();
      const search = slash(APPLICATION_ID, here, 'search', [str('query', query)]);
      const first = await ask(search);
      const next = buttonsOf(first.data).find((b) => b.label === 'Next ▶')!;
      expect(next.custom_id).toMatch(/^pb:~/);
      gate.failOn('action_tokens');
      const failed = await ask(click(APPLICATION_ID, here, next.custom_id!, state.h.fake.original(search.token)));
      expect(failed.type).toBe(4);
      expect(failed.data.flags).toBe(EPHEMERAL);
      const reference = /report reference ([0-9a-f]{8})/.exec(failed.data.embeds[0].description)?.[1];
      expect(reference).toBeDefined();
      const logged = state.h.lines.map((line) => JSON.parse(line)).find((entry) => entry.reference === reference);
      expect(logged).toMatchObject({ msg: 'discord interaction failed', err: { message: 'database unavailable (action_tokens)' } });
    });
  });
});
