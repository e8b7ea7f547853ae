import { z } from 'zod';
import { parseArxivId } from '../arxiv-id.ts';
import type { PaperInput, PaperSource } from '../paper.ts';
import { type InvalidItem, invalidItem } from './ingest-report.ts';

/** Trimmed text; blank becomes null. */
const text = z
  .string()
  .nullish()
  .transform((value) => value?.trim() || null);

/** An ISO timestamp; absent stays null, present must be a real instant. */
const instant = z
  .string()
  .nullish()
  .transform((value, ctx) => {
    if (!value) return null;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a timestamp: "${value}"` });
      return z.NEVER;
    }
    return date;
  });

/**
 * A link we will show to users: http(s) only. A missing or unusable link is dropped
 * (null) rather than failing the whole paper, which is still worth recommending.
 */
const link = z
  .string()
  .nullish()
  .transform((value) => {
    const candidate = value?.trim();
    if (!candidate) return null;
    try {
      const url = new URL(candidate);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
    } catch {
      return null;
    }
  });

const count = z.number().int().min(0).nullish();

const author = z.looseObject({ name: z.string().nullish() });

const paper = z.looseObject({
  id: z.string().refine((id) => parseArxivId(id) !== undefined, { message: 'not an arXiv id' }),
  title: z.string().trim().min(1, 'empty title'),
  summary: text,
  authors: z.array(author).nullish(),
  publishedAt: instant,
  upvotes: count,
  ai_summary: text,
  ai_keywords: z.array(z.string()).nullish(),
  githubRepo: link,
  projectPage: link,
});

/**
 * One item of Hugging Face's `GET /api/daily_papers` list (also the shape `paperboy import`
 * reads). Only `paper.id` and `paper.title` are required; every other documented field may be
 * missing or null, and unknown fields are ignored. A field of the wrong type fails the item.
 */
export const hfDailyItemSchema = z.looseObject({
  paper,
  /** When the paper was featured on Daily Papers (not the arXiv date). */
  publishedAt: instant,
  title: text,
  summary: text,
  thumbnail: link,
  numComments: count,
});

/** A validated daily-papers item. */
export type HfDailyItem = z.output<typeof hfDailyItemSchema>;

/** Maps a validated item to what the store takes; `featuredOn` is the HF day it belongs to. */
export function hfItemToPaperInput(item: HfDailyItem, options: { source: PaperSource; featuredOn: string | null }): PaperInput {
  const { paper } = item;
  return {
    id: parseArxivId(paper.id) as string,
    title: paper.title.replace(/\s+/g, ' '),
    source: options.source,
    featuredOn: options.featuredOn,
    abstract: paper.summary ?? item.summary ?? '',
    authors: (paper.authors ?? []).flatMap((a) => (a.name?.trim() ? [a.name.trim()] : [])),
    publishedAt: paper.publishedAt,
    // Absent counts stay undefined so that they never zero what is stored.
    upvotes: paper.upvotes ?? undefined,
    comments: item.numComments ?? undefined,
    aiSummary: paper.ai_summary,
    aiKeywords: (paper.ai_keywords ?? []).map((k) => k.trim()).filter(Boolean),
    githubRepo: paper.githubRepo,
    projectPage: paper.projectPage,
    thumbnail: item.thumbnail,
  };
}

/** The outcome of validating one raw item: a paper, or the reason it was skipped. */
export type ItemCheck = { ok: true; item: HfDailyItem } | { ok: false; invalid: InvalidItem };

/**
 * Validates one raw item. `where` locates it for the report ('page 0, item 3'); the
 * paper id is appended when the item has a readable one, so an operator can look it up.
 */
export function checkHfItem(raw: unknown, where: string): ItemCheck {
  const result = hfDailyItemSchema.safeParse(raw);
  if (result.success) return { ok: true, item: result.data };
  return { ok: false, invalid: invalidItem(`${where}${idHint(raw)}`, result.error) };
}

function idHint(raw: unknown): string {
  const id = (raw as { paper?: { id?: unknown } } | null)?.paper?.id;
  return typeof id === 'string' && id.length <= 40 ? ` (${id})` : '';
}
