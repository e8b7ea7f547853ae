import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import { searchPapers } from '../../src/db/search.ts';
import { engines, useTestDb } from '../support/db.ts';

/**
 * 2,400 papers over 240 days, more than search reads in its pass over the newest papers, with
 * words at every frequency: "alpha" in a third of titles, "beta" in a few titles, keywords and
 * abstracts spread over the years, "gamma" mostly in keywords, Ada Lovelace on one in fifty.
 */
function library(): PaperInput[] {
  return Array.from({ length: 2400 }, (_, i) => {
    const title = ['Paper', String(i), i % 3 === 0 ? 'alpha' : '', i % 500 === 7 ? 'beta' : ''].join(' ');
    const abstract = ['A study.', i % 3 === 1 ? 'alpha' : '', i % 400 === 3 ? 'beta' : '', i % 13 === 0 ? 'gamma' : ''].join(' ');
    const keywords = [i % 450 === 11 ? 'beta' : '', i % 97 === 0 ? 'gamma' : ''].filter(Boolean);
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 10) * 86_400_000).toISOString().slice(0, 10);
    return {
      id: `2401.${String(i).padStart(5, '0')}`,
      title,
      abstract,
      aiKeywords: keywords,
      authors: i % 50 === 0 ? ['Ada Lovelace'] : ['Alan Turing', `Author ${i % 30}`],
      featuredOn: day,
      upvotes: i % 7,
      source: 'hf' as const,
    };
  });
}

describe.each(engines)('search ordering on %s', (engine) => {
  const t = useTestDb(engine);
  beforeEach(async () => {
    await upsertPapers(t.db, library());
  });

  /** Every match, ordered the way search promises: title, then keywords/authors, then abstract; newest, most upvoted first. */
  async function everyMatchInOrder(text: string, author?: string): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
      select id from papers, websearch_to_tsquery('english', ${text}) as q
      where search @@ q and (${author ?? null}::text is null or lower(paperboy_join(authors)) like '%' || lower(${author ?? null}) || '%')
      order by case when ts_filter(search, '{a}') @@ q then 0 when ts_filter(search, '{a,b}') @@ q then 1 else 2 end,
               listed_on desc nulls last, upvotes desc, id`.execute(t.db);
    return rows.map((r) => r.id);
  }

  it.each([
    ['alpha', undefined],
    ['beta', undefined],
    ['gamma', undefined],
    ['alpha gamma', undefined],
    ['beta OR gamma', undefined],
    ['alpha -gamma', undefined],
    ['alpha', 'lovelace'],
    ['gamma', 'Ada'],
  ])('lists every page of "%s" (author %s) in tier and date order, common or rare', async (text, author) => {
    const expected = await everyMatchInOrder(text, author);
    expect(expected.length).toBeGreaterThan(0);
    for (const offset of [0, 10, 20, 490]) {
      const page = await searchPapers(t.db, { text, author, limit: 10, offset });
      expect(page.papers.map((p) => p.id)).toEqual(expected.slice(offset, offset + 10));
      expect(page.hasMore).toBe(expected.length > offset + 10);
    }
  });

  it('finds an old paper whose only match is far past the newest papers', async () => {
    const page = await searchPapers(t.db, { text: 'beta', limit: 10, offset: 0 });
    // Title matches first, though the newest of them is older than 1,900 other papers.
    expect(page.papers.slice(0, 5).map((p) => p.id)).toEqual(['2401.02007', '2401.01507', '2401.01007', '2401.00507', '2401.00007']);
  });

  it('matches author: against whole names or whole parts of names, in any case', async () => {
    const byAuthor = async (author: string) => (await searchPapers(t.db, { text: '', author, limit: 100, offset: 0 })).papers;
    const lovelace = await byAuthor('Lovelace');
    expect(lovelace).toHaveLength(48);
    expect(lovelace.every((p) => p.authors.includes('Ada Lovelace'))).toBe(true);
    expect(await byAuthor('  ADA   lovelace ')).toEqual(lovelace);
    // A fragment of a name is not a name: author:Love finds no Lovelace, author:Author 1 no Author 12.
    expect(await byAuthor('Love')).toEqual([]);
    expect((await byAuthor('Author 1')).every((p) => p.authors.includes('Author 1'))).toBe(true);
  });

  it('suggests stored title words for a misspelt query, and only when nothing matches', async () => {
    const corrected = await searchPapers(t.db, { text: 'alpah', limit: 10, offset: 0 });
    expect(corrected.correctedTo).toBe('alpha');
    expect(corrected.papers.map((p) => p.id)).toEqual((await everyMatchInOrder('alpha')).slice(0, 10));

    expect((await searchPapers(t.db, { text: 'alpha', limit: 10, offset: 0 })).correctedTo).toBeUndefined();
    const hopeless = await searchPapers(t.db, { text: 'zzyzx', limit: 10, offset: 0 });
    expect(hopeless).toEqual({ papers: [], hasMore: false });
  });
});
