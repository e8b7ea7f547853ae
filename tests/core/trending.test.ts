import { describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import { asUser, seedPapers, testCore } from '../support/core.ts';
import { engines, useTestDb } from '../support/db.ts';

const ids = (answer: { cards: { id: string }[] }) => answer.cards.map((card) => card.id);

/** A paper listed on 2024-05-`day` (or on the date given) with `upvotes`. */
const listed = (id: string, day: number | string, upvotes: number): PaperInput => ({
  id,
  title: `Paper ${id}`,
  featuredOn: typeof day === 'string' ? day : `2024-05-${String(day).padStart(2, '0')}`,
  upvotes,
  source: 'hf',
});

// The test clock says 2024-05-24: the week is 05-18 … 05-24, the month 04-25 … 05-24.
const papers = [
  listed('2405.00001', 24, 10),
  listed('2405.00002', 18, 90),
  listed('2405.00003', 17, 500), // a day before the week
  listed('2405.00004', 20, 40),
  listed('2405.00005', 22, 40),
  listed('2405.00006', 23, 0), // never upvoted: not trending
  listed('2405.00007', 21, 5),
  listed('2405.00008', 19, 7),
  listed('2404.00009', '2024-04-01', 300),
];

describe.each(engines)('trending on %s', (engine) => {
  const t = useTestDb(engine);

  it('lists the week’s most upvoted papers, best first, five a page with ◀ ▶', async () => {
    await seedPapers(t.db, papers);
    const core = testCore(t.db);
    const first = await core.run('trending', asUser());
    expect(first.title).toBe('Trending: the last 7 days');
    expect(first.subtitle).toBe('The most upvoted papers listed from 2024-05-18 to 2024-05-24.');
    // Equal upvotes: the newer first.
    expect(ids(first)).toEqual(['2405.00002', '2405.00005', '2405.00004', '2405.00001', '2405.00008']);
    expect(first.visibility).toBe('public');
    expect(first.actions).toContainEqual({ kind: 'vote', paperId: '2405.00002', vote: 'up' });
    expect(first.actions).toContainEqual({ kind: 'similar', paperId: '2405.00002' });
    expect(first.actions.filter((a) => a.kind === 'page')).toEqual([
      { kind: 'page', direction: 'next', call: { command: 'trending', args: { period: 'week', page: 2 } } },
    ]);
    const second = await core.run('trending week 2', asUser());
    expect(ids(second)).toEqual(['2405.00007']);
    expect(second.page).toEqual({ number: 2, hasPrev: true, hasNext: false, offset: 5 });
  });

  it('covers the last 30 days with `month`', async () => {
    await seedPapers(t.db, papers);
    const month = await testCore(t.db).run('trending month', asUser());
    expect(month.title).toBe('Trending: the last 30 days');
    expect(ids(month)).toEqual(['2405.00003', '2405.00002', '2405.00005', '2405.00004', '2405.00001']);
    expect(ids(month)).not.toContain('2404.00009');
  });

  it('says so when nothing upvoted is stored in the window, and what else to try', async () => {
    await seedPapers(t.db, [listed('2404.00009', '2024-04-01', 300)]);
    const core = testCore(t.db);
    const week = await core.run('trending', asUser());
    expect(week.cards).toEqual([]);
    expect(week.notice).toEqual({ tone: 'info', text: 'No upvoted papers are stored for 2024-05-18 to 2024-05-24. Try `trending month`.' });
    expect(week.lines).toEqual(['The latest day with papers is 2024-04-01: try `today 2024-04-01`.']);
    expect((await testCore(t.db).run('trending month', asUser())).notice?.text).toBe('No upvoted papers are stored for 2024-04-25 to 2024-05-24.');
  });

  it('says nothing is stored when the library is empty, and refuses other periods', async () => {
    const core = testCore(t.db);
    expect((await core.run('trending', asUser())).notice?.text).toContain('Nothing is stored yet');
    expect((await core.run('trending year', asUser())).notice).toMatchObject({ tone: 'error' });
    expect((await core.run('trending week 2 extra', asUser())).notice?.text).toContain('I did not understand "extra"');
  });
});
