import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import type { Storage } from '../../src/core/ports/storage.ts';
import { slotOf } from '../../src/core/schedule/due-slots.ts';
import { engines, useTestDb } from '../support/db.ts';

/** Contract of RankingSignals. */

const at = (iso: string) => new Date(iso);

function paper(id: string, featuredOn: string, extra: Partial<PaperInput> = {}): PaperInput {
  return { id, title: `Paper ${id}`, source: 'hf', featuredOn, upvotes: 0, ...extra };
}

/** Papers on 2024-01-01, 01-02 and 01-04 (nothing on 01-03). */
const papers: PaperInput[] = [
  paper('2401.00001', '2024-01-01', { aiKeywords: ['memory'], upvotes: 3 }),
  paper('2401.00002', '2024-01-02', { upvotes: 1 }),
  paper('2401.00003', '2024-01-04', { aiKeywords: ['grokking'], authors: ['Ann Lee'], categories: ['cs.LG'], upvotes: 5, title: 'Grokking at the edge' }),
  paper('2401.00004', '2024-01-04', { aiKeywords: ['grokking', 'memory'], upvotes: 5, publishedAt: at('2024-01-03T10:00:00Z') }),
  paper('2401.00005', '2024-01-04', { upvotes: 9, authors: ['Bo Annson'] }),
];

/** Subscribes `recipient` daily at 09:00 UTC and claims its digest for `localDate` with these papers. */
async function deliver(storage: Storage, recipient: number, localDate: string, paperIds: string[]): Promise<number> {
  await storage.subscriptions.subscribe(recipient, {}, at('2024-01-01T00:00:00Z'));
  const dueAt = at(`${localDate}T09:00:00Z`);
  return storage.transaction(async (tx) => {
    const slot = slotOf('UTC', '09:00', localDate);
    const [due] = await tx.ledger.lockDue({ slots: [slot], platforms: undefined, limit: 10 });
    const [row] = await tx.ledger.insert(
      [
        {
          subscriptionId: due!.subscriptionId,
          recipientId: recipient,
          localDate,
          period: due!.period,
          cadence: due!.cadence,
          dueAt,
          paperIds,
          reasons: paperIds.map(() => [{ kind: 'liked' }]),
          empty: false,
        },
      ],
      { workerId: 'w1', now: dueAt, leaseUntil: at(`${localDate}T10:00:00Z`) },
    );
    return row!.id;
  });
}

describe.each(engines)('ranking signals on %s', (engine) => {
  const t = useTestDb(engine);
  const signals = () => t.storage.ranking;

  it('takes a window of the latest days with papers, one or two, on or before a date', async () => {
    await t.storage.papers.store(papers);
    expect(await signals().window('2024-01-05', 1)).toMatchObject({ latest: '2024-01-04', days: ['2024-01-04'] });
    expect(await signals().window('2024-01-05', 2)).toMatchObject({ latest: '2024-01-04', days: ['2024-01-04', '2024-01-02'] });
    expect(await signals().window('2024-01-03', 2)).toMatchObject({ latest: '2024-01-02', days: ['2024-01-02', '2024-01-01'] });
    expect(await signals().window('2024-01-04', 3)).toMatchObject({ latest: '2024-01-04', days: ['2024-01-04', '2024-01-02', '2024-01-01'] });
    // Fewer days than asked when the library does not go back that far; none before its first.
    expect(await signals().window('2024-01-01', 2)).toMatchObject({ latest: '2024-01-01', days: ['2024-01-01'] });
    expect(await signals().window('2023-12-31', 2)).toMatchObject({ latest: undefined, days: [] });
    await expect(signals().window('2024-01-05', 0)).rejects.toThrow(RangeError);
  });

  it('stamps a window with the state of its papers, and only its papers', async () => {
    expect((await signals().window('2024-01-05', 2)).days).toEqual([]);
    await t.storage.papers.store(papers, at('2024-01-05T00:00:00Z'));
    const one = await signals().window('2024-01-05', 1);
    const two = await signals().window('2024-01-05', 2);
    expect(await signals().window('2024-01-05', 2)).toEqual(two);
    expect(two.stamp).not.toBe(one.stamp);
    // A change to a paper outside the window leaves it as it was…
    await t.storage.papers.store([{ ...papers[0]!, upvotes: 30 }], at('2024-01-05T01:00:00Z'));
    expect(await signals().window('2024-01-05', 2)).toEqual(two);
    // …one inside it, or a new paper on one of its days, does not.
    await t.storage.papers.store([{ ...papers[1]!, upvotes: 30 }], at('2024-01-05T02:00:00Z'));
    const changed = await signals().window('2024-01-05', 2);
    expect(changed.days).toEqual(two.days);
    expect(changed.stamp).not.toBe(two.stamp);
    expect((await signals().window('2024-01-05', 1)).stamp).toBe(one.stamp);
    await t.storage.papers.store([paper('2401.00006', '2024-01-04')], at('2024-01-05T03:00:00Z'));
    expect((await signals().window('2024-01-05', 1)).stamp).not.toBe(one.stamp);
  });

  it('lists the candidates of some days newest day first, then by upvotes, recency and id', async () => {
    await t.storage.papers.store(papers);
    expect(await signals().candidates([])).toEqual([]);
    expect(await signals().candidates(['2024-01-01', '2024-01-04'])).toEqual([
      { id: '2401.00005', listedOn: '2024-01-04', upvotes: 9 },
      { id: '2401.00004', listedOn: '2024-01-04', upvotes: 5 },
      { id: '2401.00003', listedOn: '2024-01-04', upvotes: 5 },
      { id: '2401.00001', listedOn: '2024-01-01', upvotes: 3 },
    ]);
  });

  it('reads the follows of many recipients at once, and matches each follow against the days', async () => {
    await t.storage.papers.store(papers);
    const ann = await t.storage.recipients.ensure({ platform: 'test', externalId: 'ann', kind: 'user' });
    const bob = await t.storage.recipients.ensure({ platform: 'test', externalId: 'bob', kind: 'user' });
    await t.storage.recipients.follow(ann, { kind: 'topic', value: 'grokking', label: 'Grokking' });
    await t.storage.recipients.follow(ann, { kind: 'author', value: 'ann lee', label: 'Ann Lee' });
    await t.storage.recipients.follow(ann, { kind: 'category', value: 'cs.lg', label: 'cs.LG' });
    const follows = await signals().followsOf([ann, bob, ann]);
    expect([...follows.keys()]).toEqual([ann]);
    expect(follows.get(ann)).toEqual([
      { kind: 'topic', value: 'grokking', label: 'Grokking' },
      { kind: 'author', value: 'ann lee', label: 'Ann Lee' },
      { kind: 'category', value: 'cs.lg', label: 'cs.LG' },
    ]);

    const matches = await signals().matchFollows(
      ['2024-01-04'],
      [...follows.get(ann)!, { kind: 'topic', value: 'memory -grokking' }, { kind: 'author', value: 'nobody' }],
    );
    expect(matches.get(0)?.sort()).toEqual(['2401.00003', '2401.00004']);
    expect(matches.get(1)).toEqual(['2401.00003']);
    expect(matches.get(2)).toEqual(['2401.00003']);
    expect(matches.has(3)).toBe(false);
    expect(matches.has(4)).toBe(false);
    expect((await signals().matchFollows(['2024-01-01'], [{ kind: 'topic', value: 'memory -grokking' }])).get(0)).toEqual(['2401.00001']);
  });

  it("gathers the recipients' own votes on the window's papers, whatever their age", async () => {
    await t.storage.papers.store(papers);
    const ann = await t.storage.recipients.ensure({ platform: 'test', externalId: 'ann', kind: 'user' });
    const bob = await t.storage.recipients.ensure({ platform: 'test', externalId: 'bob', kind: 'user' });
    await t.storage.feedback.setVote(ann, '2401.00003', 'up', at('2024-01-04T12:00:00Z'));
    await t.storage.feedback.setVote(ann, '2401.00001', 'down', at('2020-01-04T12:00:00Z'));

    expect(await signals().votesIn([ann, bob], ['2024-01-04'])).toEqual(new Map([[ann, new Map([['2401.00003', 'up']])]]));
    expect(await signals().votesIn([ann, bob], ['2024-01-04', '2024-01-01'])).toEqual(
      new Map([
        [
          ann,
          new Map([
            ['2401.00003', 'up'],
            ['2401.00001', 'down'],
          ]),
        ],
      ]),
    );
    await t.storage.feedback.setVote(ann, '2401.00003', null, at('2024-01-04T13:00:00Z'));
    expect(await signals().votesIn([ann], ['2024-01-04'])).toEqual(new Map());
    expect(await signals().votesIn([], ['2024-01-04'])).toEqual(new Map());
  });

  it('reads the follows and mutes of many recipients in one go, apart', async () => {
    const ann = await t.storage.recipients.ensure({ platform: 'test', externalId: 'ann', kind: 'user' });
    const bob = await t.storage.recipients.ensure({ platform: 'test', externalId: 'bob', kind: 'user' });
    await t.storage.recipients.follow(ann, { kind: 'topic', value: 'grokking', label: 'Grokking' });
    expect(await t.storage.recipients.mute(ann, { kind: 'topic', value: 'memory', label: 'Memory' })).toBe(true);
    expect(await t.storage.recipients.mute(ann, { kind: 'topic', value: 'memory', label: 'memory' })).toBe(false);
    await t.storage.recipients.mute(ann, { kind: 'author', value: 'bo annson', label: 'Bo Annson' });
    const { follows, mutes } = await signals().interestsOf([ann, bob]);
    expect([...mutes.keys()]).toEqual([ann]);
    expect(mutes.get(ann)).toEqual([
      { kind: 'topic', value: 'memory', label: 'Memory' },
      { kind: 'author', value: 'bo annson', label: 'Bo Annson' },
    ]);
    expect(follows).toEqual(new Map([[ann, [{ kind: 'topic', value: 'grokking', label: 'Grokking' }]]]));
    expect(await signals().followsOf([ann])).toEqual(follows);
    expect(await signals().interestsOf([])).toEqual({ follows: new Map(), mutes: new Map() });
    expect(await t.storage.recipients.unmute(ann, 'topic', 'memory')).toEqual({ kind: 'topic', value: 'memory', label: 'Memory' });
    expect(await t.storage.recipients.unmute(ann, 'topic', 'memory')).toBeUndefined();
    expect(await t.storage.recipients.mutes(ann)).toEqual([{ kind: 'author', value: 'bo annson', label: 'Bo Annson' }]);
  });

  it('gives the features ranking compares: the content vector, keywords, authors and categories', async () => {
    await t.storage.papers.store(papers);
    const features = await signals().features(['2401.00003', '2401.00003', 'nope']);
    expect([...features.keys()]).toEqual(['2401.00003']);
    const grokking = features.get('2401.00003')!;
    expect(grokking).toMatchObject({ keywords: ['grokking'], authors: ['Ann Lee'], categories: ['cs.LG'] });
    expect(grokking.vector).toEqual((await t.storage.content.vectors(['2401.00003'])).get('2401.00003'));
    expect(await signals().features([])).toEqual(new Map());
  });

  it('takes a span of calendar days as a window of the days in it that have papers', async () => {
    await t.storage.papers.store(papers);
    expect(await signals().span('2024-01-01', '2024-01-07')).toMatchObject({ latest: '2024-01-04', days: ['2024-01-04', '2024-01-02', '2024-01-01'] });
    expect(await signals().span('2024-01-02', '2024-01-03')).toMatchObject({ latest: '2024-01-02', days: ['2024-01-02'] });
    expect(await signals().span('2024-01-05', '2024-01-09')).toMatchObject({ latest: undefined, days: [] });
    // The same days stamp the same as a window of them.
    expect((await signals().span('2024-01-02', '2024-01-04')).stamp).toBe((await signals().window('2024-01-04', 2)).stamp);
  });

  it('tells which (recipient, paper) pairs were delivered already', async () => {
    await t.storage.papers.store(papers);
    const ann = await t.storage.recipients.ensure({ platform: 'test', externalId: 'ann', kind: 'user' });
    const bob = await t.storage.recipients.ensure({ platform: 'test', externalId: 'bob', kind: 'user' });
    await deliver(t.storage, ann, '2024-01-04', ['2401.00003', '2401.00005']);
    const delivered = await signals().deliveredAmong([
      { recipient: ann, paperId: '2401.00003' },
      { recipient: ann, paperId: '2401.00004' },
      { recipient: ann, paperId: '2401.00005' },
      { recipient: bob, paperId: '2401.00003' },
    ]);
    expect(delivered).toEqual(new Set([`${ann}:2401.00003`, `${ann}:2401.00005`]));
    expect(await signals().deliveredAmong([])).toEqual(new Set());
  });
});
