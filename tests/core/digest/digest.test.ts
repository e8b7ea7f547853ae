import { describe, expect, it } from 'vitest';
import { reasonText } from '../../../src/core/actions/action-label.ts';
import type { PaperCard } from '../../../src/core/answer.ts';
import { composeDigests } from '../../../src/core/digest/compose-digests.ts';
import { rankDay } from '../../../src/core/ranking/rank-day.ts';
import { createStorage } from '../../../src/db/storage.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, addSubscription, ledger, paper, pass, recordingPort } from '../../support/schedule.ts';

describe.each(engines)('daily digest composition on %s', (engine) => {
  const t = useTestDb(engine);

  it('picks papers matching the follows, ranked, with the reason each was picked', async () => {
    await addPapers(t.db, [
      paper('2611.00001', '2026-11-27', { title: 'Grokking in small transformers', upvotes: 3 }),
      paper('2611.00002', '2026-11-27', { title: 'Diffusion models for audio', upvotes: 90 }),
      paper('2611.00003', '2026-11-27', { title: 'Why grokking happens late', aiKeywords: ['grokking'], upvotes: 20 }),
      paper('2611.00004', '2026-11-27', { title: 'Sparse autoencoders', authors: ['Neel Nanda'], upvotes: 5 }),
    ]);
    await addSubscription(t.db, { externalId: 'u1', follows: ['grokking', 'author:Neel Nanda'] });
    const port = recordingPort();
    const result = await pass(t.db, '2026-11-27T09:00:30Z', [port]);
    expect(result.sent).toBe(1);
    const [post] = port.sent;
    expect(post!.answer.title).toBe('Daily picks for 2026-11-27');
    expect(post!.answer.visibility).toBe('public');
    // The paper with grokking in its title and keywords first; a title about grokking (the
    // follow seeds the profile) outweighs two upvotes of the followed author's paper.
    expect(post!.answer.cards.map((c) => [c.id, reasons(c)])).toEqual([
      ['2611.00003', ['matches your follow: grokking']],
      ['2611.00001', ['matches your follow: grokking']],
      ['2611.00004', ['matches your follow: author:Neel Nanda']],
    ]);
    expect(post!.answer.actions.filter((a) => a.kind === 'vote')).toHaveLength(6);
  });

  it('orders follow matches exactly as `today` ranks them', async () => {
    await addPapers(t.db, [
      paper('2611.00011', '2026-11-27', { title: 'Reasoning with transformers', upvotes: 50 }),
      paper('2611.00012', '2026-11-27', { title: 'Transformers that grok: reasoning and memory', upvotes: 2 }),
      paper('2611.00013', '2026-11-27', { title: 'Memory for agents', upvotes: 7, categories: ['cs.AI'] }),
      paper('2611.00014', '2026-11-27', { title: 'Unrelated optics', upvotes: 100 }),
    ]);
    const { recipientId } = await addSubscription(t.db, { externalId: 'u1', follows: ['reasoning', 'memory', 'cat:cs.AI'], papersPerPost: 10 });
    const ranked = (await rankDay(createStorage(t.db), { day: '2026-11-27', recipient: recipientId, limit: 10, offset: 0 })).filter(
      (r) => r.matched.length > 0,
    );
    const picks = await composeDigests(createStorage(t.db), [{ key: 1, recipientId, localDate: '2026-11-27', limit: 10 }]);
    expect(picks.map((p) => p.paperId)).toEqual(ranked.map((r) => r.paper.id));
    expect(picks.map((p) => p.matched)).toEqual(ranked.map((r) => r.matched));
  });

  it('picks the best few of many matches exactly as `today` ranks them, votes and exclusions included', async () => {
    const words = ['agents', 'memory', 'reasoning'];
    const papers = Array.from({ length: 40 }, (_, i) =>
      paper(`2611.${String(100 + i).padStart(5, '0')}`, '2026-11-27', {
        title: `${words.filter((_, k) => (i >> k) & 1).join(' and ') || 'optics'} study ${i}`,
        upvotes: (i * 37) % 23,
        aiKeywords: i % 5 === 0 ? ['liked topic'] : [],
      }),
    );
    await addPapers(t.db, papers);
    const { recipientId } = await addSubscription(t.db, { externalId: 'u1', follows: words, papersPerPost: 7 });
    // A 👍 on one paper (excluded itself, and lifting papers like it) and two papers already sent.
    await t.db.insertInto('feedback').values({ recipient_id: recipientId, paper_id: '2611.00105', vote: 1 }).execute();
    await t.db
      .insertInto('delivered_papers')
      .values([
        { recipient_id: recipientId, paper_id: '2611.00107', delivery_id: null },
        { recipient_id: recipientId, paper_id: '2611.00103', delivery_id: null },
      ])
      .execute();
    const ranked = (await rankDay(createStorage(t.db), { day: '2026-11-27', recipient: recipientId, limit: 40, offset: 0 })).filter(
      (r) => r.matched.length > 0,
    );
    const expected = ranked
      .map((r) => r.paper.id)
      .filter((id) => !['2611.00105', '2611.00107', '2611.00103'].includes(id))
      .slice(0, 7);
    const picks = await composeDigests(createStorage(t.db), [{ key: 1, recipientId, localDate: '2026-11-27', limit: 7 }]);
    expect(picks.map((p) => p.paperId)).toEqual(expected);
  });

  it('falls back to the top papers of the day for a recipient that follows nothing', async () => {
    await addPapers(t.db, [
      paper('2611.00021', '2026-11-27', { upvotes: 10 }),
      paper('2611.00022', '2026-11-27', { upvotes: 30 }),
      paper('2611.00023', '2026-11-27', { upvotes: 20 }),
    ]);
    await addSubscription(t.db, { externalId: 'u1', papersPerPost: 2 });
    const port = recordingPort();
    await pass(t.db, '2026-11-27T09:00:30Z', [port]);
    expect(port.sent[0]!.answer.cards.map((c) => [c.id, reasons(c)])).toEqual([
      ['2611.00022', ['top paper of the day']],
      ['2611.00023', ['top paper of the day']],
    ]);
    expect(port.sent[0]!.answer.subtitle).toContain("the day's top picks");
  });

  it('never sends a paper twice to a recipient: the next day brings only what is new', async () => {
    await addPapers(t.db, [paper('2611.00031', '2026-11-26', { upvotes: 50 }), paper('2611.00032', '2026-11-26', { upvotes: 40 })]);
    await addSubscription(t.db, { externalId: 'u1', papersPerPost: 1 });
    const port = recordingPort();
    await pass(t.db, '2026-11-27T09:00:00Z', [port]);
    await addPapers(t.db, [paper('2611.00033', '2026-11-27', { upvotes: 5 })]);
    await pass(t.db, '2026-11-28T09:00:00Z', [port]);
    await pass(t.db, '2026-11-29T09:00:00Z', [port]);
    // Day 1: the best of 11-26. Day 2: the new paper of 11-27 first. Day 3: what was left of 11-26.
    expect(port.sent.map((s) => s.answer.cards.map((c) => c.id))).toEqual([['2611.00031'], ['2611.00033'], ['2611.00032']]);
    expect(port.sent[2]!.answer.cards[0]!.reasons.map(reasonText)).toEqual(['top paper of 2026-11-26']);
  });

  it('takes the latest listed day on or before the local date, filling up from the day before (HF lists a day late)', async () => {
    // 09:00 in Kolkata is 03:30 UTC: Hugging Face has listed one paper of the 28th so far.
    await addPapers(t.db, [
      paper('2611.00041', '2026-11-27', { title: 'Grokking A', upvotes: 40 }),
      paper('2611.00042', '2026-11-27', { title: 'Grokking B', upvotes: 30 }),
      paper('2611.00043', '2026-11-28', { title: 'Grokking C', upvotes: 1 }),
      paper('2611.00044', '2026-11-29', { title: 'Grokking from the future', upvotes: 99 }),
    ]);
    await addSubscription(t.db, { externalId: 'u1', timezone: 'Asia/Kolkata', follows: ['grokking'] });
    const port = recordingPort();
    await pass(t.db, '2026-11-28T03:31:00Z', [port]);
    expect(port.sent[0]!.answer.title).toBe('Daily picks for 2026-11-28');
    expect(port.sent[0]!.answer.cards.map((c) => c.id)).toEqual(['2611.00043', '2611.00041', '2611.00042']);
  });

  it('posts nothing when nothing new matched, unless the subscriber asked for an empty note', async () => {
    await addPapers(t.db, [paper('2611.00051', '2026-11-27', { title: 'Optics' })]);
    await addSubscription(t.db, { externalId: 'quiet', follows: ['grokking'] });
    await addSubscription(t.db, { externalId: 'chatty', follows: ['grokking'], postWhenEmpty: true });
    const port = recordingPort();
    const result = await pass(t.db, '2026-11-27T09:00:00Z', [port]);
    expect(result).toMatchObject({ claimed: 2, empty: 1, sent: 1 });
    expect(port.sent.map((s) => s.target.externalId)).toEqual(['chatty']);
    expect(port.sent[0]!.answer.cards).toEqual([]);
    expect(port.sent[0]!.answer.lines[0]).toContain('Nothing new today');
    expect((await ledger(t.db)).map((row) => row.status)).toEqual(['empty', 'sent']);
  });

  it('leaves out papers the recipient already voted on and says which 👍 paper a pick is like', async () => {
    await addPapers(t.db, [
      paper('2611.00061', '2026-11-27', { title: 'Circuits: Zooming In', upvotes: 80, aiKeywords: ['mechanistic interpretability'] }),
      paper('2611.00062', '2026-11-27', { title: 'Toy models of superposition', upvotes: 4, aiKeywords: ['mechanistic interpretability'] }),
      paper('2611.00063', '2026-11-27', { title: 'Optics of thin lenses', upvotes: 5 }),
    ]);
    const { recipientId } = await addSubscription(t.db, { externalId: 'u1', papersPerPost: 2 });
    await t.db.insertInto('feedback').values({ recipient_id: recipientId, paper_id: '2611.00061', vote: 1 }).execute();
    const port = recordingPort();
    await pass(t.db, '2026-11-27T09:00:00Z', [port]);
    expect(port.sent[0]!.answer.cards.map((c) => [c.id, reasons(c)])).toEqual([
      ['2611.00062', ['like “Circuits” that you 👍']],
      ['2611.00063', ['top paper of the day']],
    ]);
  });

  it('a weekly digest holds the best of the last week, ranked as one list, next to a daily one of the same day', async () => {
    // Papers on nine days with papers up to Friday 2026-11-27 (none on the weekend of the 21st and 22nd).
    const days = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
    await addPapers(
      t.db,
      days.flatMap((day, i) => [
        paper(`2611.${String(100 + i)}01`, day, { title: `Grokking on day ${i}`, upvotes: [90, 5, 7, 60, 8, 2, 40, 3, 1][i]! }),
        paper(`2611.${String(100 + i)}02`, day, { title: `Optics on day ${i}`, upvotes: 0 }),
      ]),
    );
    await addSubscription(t.db, { externalId: 'weekly', weeklyDay: 5, follows: ['grokking'], papersPerPost: 3 });
    await addSubscription(t.db, { externalId: 'weekly-top', weeklyDay: 5, papersPerPost: 2 });
    await addSubscription(t.db, { externalId: 'daily', follows: ['grokking'], papersPerPost: 3 });
    const port = recordingPort();
    await pass(t.db, '2026-11-27T09:00:30Z', [port]);
    const posts = new Map(port.sent.map((s) => [s.target.externalId, s.answer]));
    // The eight latest days with papers (not 11-17), best first whatever the day.
    expect(posts.get('weekly')!.title).toBe('Weekly picks for the week to 2026-11-27');
    expect(posts.get('weekly')!.cards.map((c) => c.title)).toEqual(['Grokking on day 3', 'Grokking on day 6', 'Grokking on day 4']);
    expect(posts.get('weekly-top')!.cards.map((c) => [c.title, reasons(c)])).toEqual([
      ['Grokking on day 3', ['top paper of 2026-11-20']],
      ['Grokking on day 6', ['top paper of 2026-11-25']],
    ]);
    expect(posts.get('weekly-top')!.subtitle).toContain("the week's top picks");
    // The daily digest: the newest day first, then the day before.
    expect(posts.get('daily')!.cards.map((c) => c.title)).toEqual(['Grokking on day 8', 'Grokking on day 7']);
    expect((await ledger(t.db)).map((row) => [row.local_date, row.period, row.cadence])).toEqual([
      ['2026-11-27', '2026-11-23', 'weekly'],
      ['2026-11-27', '2026-11-23', 'weekly'],
      ['2026-11-27', '2026-11-27', 'daily'],
    ]);
  });

  it('says “nothing new this week” in an empty weekly note', async () => {
    await addPapers(t.db, [paper('2611.00051', '2026-11-27', { title: 'Optics' })]);
    await addSubscription(t.db, { externalId: 'chatty', weeklyDay: 5, follows: ['grokking'], postWhenEmpty: true });
    const port = recordingPort();
    await pass(t.db, '2026-11-27T09:00:00Z', [port]);
    expect(port.sent[0]!.answer.lines[0]).toContain('Nothing new this week');
    expect(port.sent[0]!.answer.notice?.text).toBe('Nothing new this week.');
  });

  it('ranks what is left after the first candidates were sent by the digest’s own scores, not another digest’s of the batch', async () => {
    await addPapers(t.db, [
      ...[1, 2, 3, 4].map((i) => paper(`2611.0090${i}`, '2026-11-27', { title: `Grokking ${i}`, upvotes: 100 })),
      paper('2611.00905', '2026-11-27', { title: 'Grokking, plainly', upvotes: 20 }),
      paper('2611.00906', '2026-11-27', { title: 'Grokking and memory', upvotes: 1 }),
    ]);
    const ann = await addSubscription(t.db, { externalId: 'ann', follows: ['grokking'] });
    const bob = await addSubscription(t.db, { externalId: 'bob', follows: ['grokking', 'memory'] });
    // Ann was sent the four best already: her digest goes past its first candidates.
    await t.db
      .insertInto('delivered_papers')
      .values([1, 2, 3, 4].map((i) => ({ recipient_id: ann.recipientId, paper_id: `2611.0090${i}` })))
      .execute();
    const picks = await composeDigests(createStorage(t.db), [
      { key: 1, recipientId: ann.recipientId, localDate: '2026-11-27', limit: 1 },
      { key: 2, recipientId: bob.recipientId, localDate: '2026-11-27', limit: 1 },
    ]);
    // For Ann “Grokking, plainly” (20 upvotes) beats “Grokking and memory” (1); memory counts only for Bob.
    expect(picks.filter((p) => p.key === 1).map((p) => p.paperId)).toEqual(['2611.00905']);
  });

  it('keeps the best of what is left first when a paper it voted on was among its first candidates', async () => {
    await addPapers(t.db, [
      ...[1, 2, 3, 4].map((i) => paper(`2611.0091${i}`, '2026-11-27', { title: `Grokking ${i}`, upvotes: 100 })),
      paper('2611.00921', '2026-11-27', { title: 'Grokking, widely read', upvotes: 9 }),
      paper('2611.00922', '2026-11-27', { title: 'Grokking, read', upvotes: 5 }),
      paper('2611.00923', '2026-11-27', { title: 'Grokking and memory', upvotes: 1 }),
    ]);
    const ann = await addSubscription(t.db, { externalId: 'ann', follows: ['grokking', 'memory'] });
    // Of the four best, Ann voted on one (👍: a 👎 would also sink its near-duplicates, which
    // every paper here is) and was sent the others.
    await t.db.insertInto('feedback').values({ recipient_id: ann.recipientId, paper_id: '2611.00912', vote: 1 }).execute();
    await t.db
      .insertInto('delivered_papers')
      .values([1, 3, 4].map((i) => ({ recipient_id: ann.recipientId, paper_id: `2611.0091${i}` })))
      .execute();
    const picks = await composeDigests(createStorage(t.db), [{ key: 1, recipientId: ann.recipientId, localDate: '2026-11-27', limit: 1 }]);
    // Both follows (+3 each) beat 9 upvotes: the best of what is left is “Grokking and memory”.
    expect(picks.map((p) => p.paperId)).toEqual(['2611.00923']);
  });

  it('composes many digests in one query without mixing recipients up', async () => {
    await addPapers(t.db, [
      paper('2611.00071', '2026-11-27', { title: 'Grokking' }),
      paper('2611.00072', '2026-11-27', { title: 'Diffusion' }),
      paper('2611.00073', '2026-11-27', { title: 'Agents' }),
    ]);
    const topics = ['grokking', 'diffusion', 'agents'];
    const requests = [];
    for (let i = 0; i < 30; i++) {
      const { recipientId } = await addSubscription(t.db, { externalId: `u${i}`, follows: [topics[i % 3]!] });
      requests.push({ key: i, recipientId, localDate: '2026-11-27', limit: 5 });
    }
    const picks = await composeDigests(createStorage(t.db), requests);
    expect(picks).toHaveLength(30);
    for (const pick of picks) expect(pick.matched).toEqual([topics[pick.key % 3]]);
  });
});

/** A card's reasons as the words it shows. */
function reasons(card: PaperCard): string[] {
  return card.reasons.map(reasonText);
}
