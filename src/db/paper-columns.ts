import type { Paper } from '../core/paper.ts';
import type { PaperRow } from './schema.ts';

/** The columns {@link toPaper} needs; select these rather than `selectAll` to skip the tsvector. */
export const paperColumns = [
  'papers.id',
  'papers.title',
  'papers.abstract',
  'papers.authors',
  'papers.published_at',
  'papers.featured_on',
  'papers.listed_on',
  'papers.upvotes',
  'papers.comments',
  'papers.ai_summary',
  'papers.ai_keywords',
  'papers.github_repo',
  'papers.project_page',
  'papers.thumbnail',
  'papers.categories',
] as const;

/** A row of {@link paperColumns} as the core's Paper. */
export function toPaper(row: Omit<PaperRow, 'search' | 'sources' | 'first_seen_at' | 'last_seen_at' | 'primary_category'>): Paper {
  return {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    authors: row.authors,
    publishedAt: row.published_at,
    featuredOn: row.featured_on,
    listedOn: row.listed_on,
    upvotes: row.upvotes,
    comments: row.comments,
    aiSummary: row.ai_summary,
    aiKeywords: row.ai_keywords,
    githubRepo: row.github_repo,
    projectPage: row.project_page,
    thumbnail: row.thumbnail,
    categories: row.categories,
  };
}
