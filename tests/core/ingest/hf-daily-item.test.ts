import { describe, expect, it } from 'vitest';
import { checkHfItem, hfItemToPaperInput } from '../../../src/core/ingest/hf-daily-item.ts';
import { hfDailyItems } from '../../support/fixtures.ts';

describe('a Hugging Face daily-papers item', () => {
  it('needs only paper.id and paper.title', () => {
    const check = checkHfItem({ paper: { id: '2611.19204v2', title: 'Sparse Mixture-of-Depths' } }, 'item 0');
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(hfItemToPaperInput(check.item, { source: 'hf', featuredOn: '2026-11-26' })).toEqual({
      id: '2611.19204',
      title: 'Sparse Mixture-of-Depths',
      source: 'hf',
      featuredOn: '2026-11-26',
      abstract: '',
      authors: [],
      publishedAt: null,
      upvotes: undefined,
      comments: undefined,
      aiSummary: null,
      aiKeywords: [],
      githubRepo: null,
      projectPage: null,
      thumbnail: null,
    });
  });

  it('accepts nulls everywhere else and ignores fields it does not know', () => {
    const item = {
      paper: { id: '2611.19204', title: 'T', summary: null, authors: null, publishedAt: null, upvotes: null, ai_keywords: null, mediaUrls: ['x'] },
      publishedAt: null,
      numComments: null,
      thumbnail: null,
      isAuthorParticipating: null,
      somethingNew: { nested: true },
    };
    expect(checkHfItem(item, 'item 0').ok).toBe(true);
  });

  it('drops a link that is not http(s) instead of rejecting the paper', () => {
    const [item] = hfDailyItems();
    item!.paper.githubRepo = 'javascript:alert(1)';
    item!.paper.projectPage = 'not a url';
    const check = checkHfItem(item, 'item 0');
    if (!check.ok) throw new Error(check.invalid.message);
    expect(hfItemToPaperInput(check.item, { source: 'hf', featuredOn: null })).toMatchObject({ githubRepo: null, projectPage: null });
  });

  it('rejects an id that is not an arXiv id, and a timestamp that is not one', () => {
    expect(checkHfItem({ paper: { id: 'paper-42', title: 'T' } }, 'page 0, item 4')).toEqual({
      ok: false,
      invalid: { where: 'page 0, item 4 (paper-42)', field: 'paper.id', message: 'not an arXiv id' },
    });
    expect(checkHfItem({ paper: { id: '2611.19204', title: 'T', publishedAt: 'last Tuesday' } }, 'item 1')).toEqual({
      ok: false,
      invalid: { where: 'item 1 (2611.19204)', field: 'paper.publishedAt', message: 'not a timestamp: "last Tuesday"' },
    });
  });

  it('keeps author order and skips authors without a name', () => {
    const check = checkHfItem({ paper: { id: '2611.19204', title: 'T', authors: [{ name: 'B' }, { _id: 'x' }, { name: ' A ' }] } }, 'item 0');
    if (!check.ok) throw new Error(check.invalid.message);
    expect(hfItemToPaperInput(check.item, { source: 'import', featuredOn: null }).authors).toEqual(['B', 'A']);
  });
});
