import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { parseArxivId } from '../arxiv-id.ts';
import type { PaperInput } from '../paper.ts';
import { type InvalidItem, invalidItem } from './ingest-report.ts';

/** Element text with whitespace collapsed; arXiv wraps titles and abstracts over several lines. */
const text = z
  .union([z.string(), z.looseObject({ '#text': z.string() })])
  .transform((value) => (typeof value === 'string' ? value : value['#text']).replace(/\s+/g, ' ').trim());

const term = z.looseObject({ '@_term': z.string().trim().min(1) });

/** One Atom `<entry>` of the arXiv query API, as fast-xml-parser reads it. */
const arxivEntrySchema = z.looseObject({
  id: text.pipe(z.string().refine((id) => parseArxivId(id) !== undefined, { message: 'not an arXiv abs URL' })),
  title: text.pipe(z.string().min(1, 'empty title')),
  summary: text.optional(),
  /** v1 submission time; also what the query's `sortBy=submittedDate` orders by. */
  published: text.pipe(z.iso.datetime({ offset: true, message: 'not an ISO timestamp' })),
  author: z.array(z.looseObject({ name: text })).optional(),
  category: z.array(term).optional(),
  'arxiv:primary_category': term.optional(),
});

/** A validated arXiv entry, already in the store's shape. */
export type ArxivPaper = PaperInput & { publishedAt: Date };

/** One page of the query API: its entries (valid or not) and the total the query matches. */
export interface AtomPage {
  /** Papers of the valid entries, in feed order (newest first). */
  papers: ArxivPaper[];
  invalid: InvalidItem[];
  /** Entries on this page, valid or not. */
  entryCount: number;
  /** `opensearch:totalResults`, when the feed states it. */
  totalResults: number | undefined;
  /** The message of arXiv's error feed (a single entry whose id is …/api/errors#…), if this is one. */
  apiError: string | undefined;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep ids like 2401.01234 and titles like "2048" as text.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});
const ARRAY_PATHS = new Set(['feed.entry', 'feed.entry.author', 'feed.entry.category', 'feed.entry.link']);

/** Thrown when the body is not an Atom feed at all; the message completes "arXiv answered …". */
export class NotAtomError extends Error {
  override name = 'NotAtomError';
}

/**
 * Parses one page of arXiv's Atom answer. `firstIndex` is the query's `start`, so invalid
 * entries are reported by their position in the whole result ('entry 103').
 */
export function parseAtomPage(xml: string, firstIndex: number): AtomPage {
  if (/^\s*<(!doctype html|html)[\s>]/i.test(xml)) throw new NotAtomError('an HTML page instead of an Atom feed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new NotAtomError(`a body that is not XML (${valid.err.msg} at line ${valid.err.line})`);
  const doc = parser.parse(xml) as { feed?: unknown };
  if (!doc.feed || typeof doc.feed !== 'object') throw new NotAtomError('XML that is not an Atom feed');
  const feed = doc.feed as { entry?: unknown[]; 'opensearch:totalResults'?: unknown };
  const entries = feed.entry ?? [];
  const page: AtomPage = {
    papers: [],
    invalid: [],
    entryCount: entries.length,
    totalResults: totalOf(feed['opensearch:totalResults']),
    apiError: apiErrorOf(entries),
  };
  entries.forEach((raw, index) => {
    const result = arxivEntrySchema.safeParse(raw);
    if (result.success) page.papers.push(toPaperInput(result.data));
    else page.invalid.push(invalidItem(`entry ${firstIndex + index}${idHint(raw)}`, result.error));
  });
  return page;
}

function toPaperInput(entry: z.output<typeof arxivEntrySchema>): ArxivPaper {
  const categories = [...new Set((entry.category ?? []).map((c) => c['@_term']))];
  const primary = entry['arxiv:primary_category']?.['@_term'] ?? categories[0] ?? null;
  return {
    id: parseArxivId(entry.id) as string,
    title: entry.title,
    source: 'arxiv',
    abstract: entry.summary ?? '',
    authors: (entry.author ?? []).map((a) => a.name).filter(Boolean),
    publishedAt: new Date(entry.published),
    categories: primary && !categories.includes(primary) ? [primary, ...categories] : categories,
    primaryCategory: primary,
  };
}

function totalOf(node: unknown): number | undefined {
  const value = typeof node === 'object' && node !== null ? (node as { '#text'?: unknown })['#text'] : node;
  const total = Number(value);
  return typeof value === 'string' && Number.isInteger(total) ? total : undefined;
}

function apiErrorOf(entries: unknown[]): string | undefined {
  const [first] = entries;
  const parsed = z.looseObject({ id: text, summary: text.optional() }).safeParse(first);
  if (entries.length !== 1 || !parsed.success || !parsed.data.id.includes('/api/errors')) return undefined;
  return parsed.data.summary || parsed.data.id;
}

function idHint(raw: unknown): string {
  const id = text.safeParse((raw as { id?: unknown } | null)?.id);
  const arxivId = id.success ? parseArxivId(id.data) : undefined;
  return arxivId ? ` (${arxivId})` : '';
}
