import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PaperInput } from '../../src/core/paper.ts';
import type { SearchQuery } from '../../src/core/ports/paper-library.ts';
import { engines, useTestDb } from '../support/db.ts';

/** Contract of PaperLibrary.search. */

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
    await t.storage.papers.store(library());
  });
  const search = (query: SearchQuery) => t.storage.papers.search(query);

  /**
   * Every result, in the order search documents, computed the straightforward way: every
   * matching paper with its tier, how many of `terms` it has and where. Papers with all the
   * terms: the first 6 in tier order (50 when one term is in at most 1,500 papers) (title, headline, abstract; newest, most upvoted first)
   * ranked by score (each term's idf, ln(1 + papers / papers holding it), three times in the
   * title, twice in keywords or authors, once in the abstract), the rest in tier order; then
   * papers with at least half of the terms but not all, by coverage and score; newest first
   * among equals. Each of `authors` must be in the author list (as a substring: the names
   * these tests use never occur inside other names).
   */
  async function everyMatchInOrder(text: string, authors: string[] = [], terms: string[] = [text], excluded = ''): Promise<string[]> {
    const library = Number((await sql<{ n: number }>`select count(*)::int as n from papers`.execute(t.db)).rows[0]!.n);
    const dfs = await Promise.all(
      terms.map(async (term) => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from papers where search @@ to_tsquery('english', ${term})`.execute(t.db);
        return rows[0]!.n;
      }),
    );
    const idf = dfs.map((df) => Math.log(1 + library / Math.max(df, 1)));
    const { rows } = await sql<{ id: string; listed_on: string | null; upvotes: number; tier: number | null; fields: number[] }>`
      select id, listed_on, upvotes,
        case when not search @@ q then null when ts_filter(search, '{a}') @@ q then 0 when ts_filter(search, '{a,b}') @@ q then 1 else 2 end as tier,
        array(select case when ts_filter(search, '{a}') @@ tq then 3 when ts_filter(search, '{a,b}') @@ tq then 2 when search @@ tq then 1 else 0 end
              from unnest(${terms}::text[]) as term, to_tsquery('english', term) as tq) as fields
      from papers, websearch_to_tsquery('english', ${text}) as q
      where (${excluded} = '' or not search @@ to_tsquery('english', ${excluded || 'x'}))
        and lower(paperboy_join(authors)) like all(array(select '%' || lower(a) || '%' from unnest(${authors}::text[]) as a))`.execute(t.db);
    const scored = rows.map((r) => ({
      ...r,
      cov: r.fields.filter((f) => f > 0).length,
      score: r.fields.reduce((sum, f, i) => sum + (f === 0 ? 0 : f * idf[i]!), 0),
    }));
    const newest = (a: (typeof scored)[number], b: (typeof scored)[number]) =>
      (b.listed_on ?? '').localeCompare(a.listed_on ?? '') || b.upvotes - a.upvotes || (a.id < b.id ? -1 : 1);
    const all = scored.filter((r) => r.tier !== null).sort((a, b) => a.tier! - b.tier! || newest(a, b));
    const headSize = Math.min(...dfs) <= 1500 ? 50 : 6;
    const head = all.slice(0, headSize).sort((a, b) => b.score - a.score || newest(a, b));
    const need = Math.ceil(terms.length / 2);
    const most =
      terms.length < 2
        ? []
        : scored
            .filter((r) => r.tier === null && r.cov >= need)
            .sort((a, b) => b.cov - a.cov || b.score - a.score || newest(a, b))
            .slice(0, 250);
    return [...head, ...all.slice(headSize), ...most].map((r) => r.id);
  }

  it.each([
    ['alpha', [], ['alpha'], ''],
    ['beta', [], ['beta'], ''],
    ['gamma', [], ['gamma'], ''],
    ['alpha gamma', [], ['alpha', 'gamma'], ''],
    ['beta gamma', [], ['beta', 'gamma'], ''],
    ['beta OR gamma', [], ['beta | gamma'], ''],
    ['alpha -gamma', [], ['alpha'], 'gamma'],
    ['alpha beta -gamma', [], ['alpha', 'beta'], 'gamma'],
    ['alpha', ['lovelace'], ['alpha'], ''],
    ['gamma', ['Ada'], ['gamma'], ''],
    ['alpha', ['Turing', 'Author 7'], ['alpha'], ''],
    ['gamma', ['ada', 'LOVELACE'], ['gamma'], ''],
    ['alpha gamma', ['Turing', 'Author 7'], ['alpha', 'gamma'], ''],
  ])('lists every page of "%s" (authors %j) in the documented order, common or rare', async (text, authors, terms, excluded) => {
    const expected = await everyMatchInOrder(text, authors, terms, excluded);
    expect(expected.length).toBeGreaterThan(0);
    for (const offset of [0, 5, 10, 40, 45, 50, 490]) {
      const page = await search({ text, authors, limit: 10, offset });
      expect(page.papers.map((p) => p.id)).toEqual(expected.slice(offset, offset + 10));
      expect(page.hasMore).toBe(expected.length > offset + 10);
    }
  });

  it('orders equally relevant papers by the tie-break it is given, and only those', async () => {
    await t.storage.papers.store([
      { id: '2403.00001', title: 'Delta one', featuredOn: '2024-12-03', source: 'hf' },
      { id: '2403.00002', title: 'Delta two', featuredOn: '2024-12-02', source: 'hf' },
      { id: '2403.00003', title: 'Delta three', featuredOn: '2024-12-01', source: 'hf' },
      { id: '2403.00004', title: 'Other', abstract: 'About delta.', featuredOn: '2024-12-04', source: 'hf' },
    ]);
    const seen: string[][] = [];
    const preferred = new Map([
      ['2403.00003', 3],
      ['2403.00001', 2],
      ['2403.00004', 99],
    ]);
    const page = await search({
      text: 'delta',
      limit: 10,
      offset: 0,
      tieBreak: (candidates) => {
        seen.push(candidates.map((c) => c.id).sort());
        return preferred;
      },
    });
    // The abstract match stays last however high its score; the titles follow the scores (missing is 0).
    expect(page.papers.map((p) => p.id)).toEqual(['2403.00003', '2403.00001', '2403.00002', '2403.00004']);
    expect(seen).toEqual([['2403.00001', '2403.00002', '2403.00003', '2403.00004']]);
    // Without one: newest first.
    expect((await search({ text: 'delta', limit: 10, offset: 0 })).papers.map((p) => p.id)).toEqual(['2403.00001', '2403.00002', '2403.00003', '2403.00004']);
  });

  it('finds an old paper whose only match is far past the newest papers', async () => {
    const page = await search({ text: 'beta', limit: 10, offset: 0 });
    // Title matches first, though the newest of them is older than 1,900 other papers.
    expect(page.papers.slice(0, 5).map((p) => p.id)).toEqual(['2401.02007', '2401.01507', '2401.01007', '2401.00507', '2401.00007']);
  });

  it('matches author: against whole names or whole parts of names, in any case', async () => {
    const byAuthor = async (author: string) => (await search({ text: '', authors: [author], limit: 100, offset: 0 })).papers;
    const lovelace = await byAuthor('Lovelace');
    expect(lovelace).toHaveLength(48);
    expect(lovelace.every((p) => p.authors.includes('Ada Lovelace'))).toBe(true);
    expect(await byAuthor('  ADA   lovelace ')).toEqual(lovelace);
    // A fragment of a name is not a name: author:Love finds no Lovelace, author:Author 1 no Author 12.
    expect(await byAuthor('Love')).toEqual([]);
    expect((await byAuthor('Author 1')).every((p) => p.authors.includes('Author 1'))).toBe(true);
  });

  it('applies every author: filter, alone or with words', async () => {
    const byAuthors = async (authors: string[], text = '') => (await search({ text, authors, limit: 100, offset: 0 })).papers;
    // Both names must be there: Alan Turing wrote with each Author n, Ada Lovelace alone.
    const turing7 = await byAuthors(['Turing', 'Author 7']);
    expect(turing7).toHaveLength(80);
    expect(turing7.every((p) => p.authors.includes('Alan Turing') && p.authors.includes('Author 7'))).toBe(true);
    expect(turing7.map((p) => p.id)).toEqual((await byAuthors(['Author 7'])).map((p) => p.id));
    expect(await byAuthors(['Lovelace', 'Turing'])).toEqual([]);
    expect(await byAuthors(['Turing', 'Author 7', 'Love'])).toEqual([]);
    // Both parts of one name are two filters that one author meets; blank filters do not count.
    expect(await byAuthors(['Ada', 'Lovelace', ' '])).toEqual(await byAuthors(['Ada Lovelace']));
    // With words: every filter and the words apply.
    const withWords = await byAuthors(['Turing', 'Author 7'], 'gamma');
    expect(withWords.map((p) => p.id)).toEqual(await everyMatchInOrder('gamma', ['Turing', 'Author 7']));
    expect(withWords.length).toBeGreaterThan(0);
    expect(withWords.length).toBeLessThan(turing7.length);
    expect(withWords.every((p) => p.authors.includes('Author 7') && (p.abstract.includes('gamma') || p.aiKeywords.includes('gamma')))).toBe(true);
    expect(await byAuthors(['Lovelace', 'Turing'], 'alpha')).toEqual([]);
    // No words and no names: nothing to search for.
    expect(await search({ text: '', authors: [], limit: 10, offset: 0 })).toEqual({ papers: [], hasMore: false });
  });

  it('folds accents in author names, on both sides, keeping whole names and parts exact', async () => {
    await t.storage.papers.store([
      { id: '2402.00001', title: 'Umlauts', authors: ['Jürgen Müller', 'Łukasz Kaiser'], featuredOn: '2024-12-01', source: 'hf' },
      { id: '2402.00002', title: 'Plain', authors: ['Jurgen Muller'], featuredOn: '2024-11-30', source: 'hf' },
    ]);
    const byAuthors = async (...authors: string[]) => (await search({ text: '', authors, limit: 100, offset: 0 })).papers.map((p) => p.id);
    for (const name of ['Muller', 'müller', 'MÜLLER', 'jurgen muller', 'Jürgen Müller'])
      expect(await byAuthors(name), name).toEqual(['2402.00001', '2402.00002']);
    expect(await byAuthors('Lukasz')).toEqual(['2402.00001']);
    expect(await byAuthors('lukasz kaiser', 'Muller')).toEqual(['2402.00001']);
    // Still whole names or whole parts: no fragments.
    expect(await byAuthors('Mull')).toEqual([]);
    expect(await byAuthors('Müll')).toEqual([]);
    // With words, through the tiers.
    expect((await search({ text: 'umlauts', authors: ['muller'], limit: 10, offset: 0 })).papers.map((p) => p.id)).toEqual(['2402.00001']);
  });

  it('never corrects a stop word into another word', async () => {
    await t.storage.papers.store([{ id: '2402.00003', title: 'A theory of alpha', featuredOn: '2024-12-01', source: 'hf' }]);
    for (const text of ['the', '-the', 'the OR of']) expect(await search({ text, limit: 10, offset: 0 }), text).toEqual({ papers: [], hasMore: false });
    expect((await search({ text: 'thery', limit: 10, offset: 0 })).correctedTo).toBe('theory');
  });

  it('suggests stored title words for a misspelt query, and only when nothing matches', async () => {
    const corrected = await search({ text: 'alpah', limit: 10, offset: 0 });
    expect(corrected.correctedTo).toBe('alpha');
    expect(corrected.papers.map((p) => p.id)).toEqual((await everyMatchInOrder('alpha')).slice(0, 10));

    expect((await search({ text: 'alpha', limit: 10, offset: 0 })).correctedTo).toBeUndefined();
    const hopeless = await search({ text: 'zzyzx', limit: 10, offset: 0 });
    expect(hopeless).toEqual({ papers: [], hasMore: false });
  });
});
