import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { utcDate } from '../clock.ts';
import type { PaperInput } from '../paper.ts';
import type { ReindexProgress } from '../ports/content-index.ts';
import { checkHfItem, hfItemToPaperInput } from './hf-daily-item.ts';
import type { DuplicateItem, IngestReport, IngestStore, InvalidItem } from './ingest-report.ts';
import { recordedIngestRun } from './ingest-runs.ts';

/** The file cannot be imported at all: unreadable, empty, or not JSON. Nothing was stored. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

/** What to import. */
export interface ImportFileOptions {
  store: IngestStore;
  /** A JSON array, or JSON lines (one item per line), of items in the HF daily-papers shape. */
  path: string;
  /** Called as papers are stored, e.g. to drive a progress bar. */
  onProgress?: (stored: number, total: number) => void;
  /** Called as the stored papers are indexed for `similar`, after the last batch (large imports only). */
  onIndexProgress?: (progress: ReindexProgress) => void;
}

/**
 * Imports papers from a file of Hugging Face daily-papers items: a JSON array (items are
 * reported by `index N`) or JSON lines (reported by `line N`, counting from 1; blank lines are
 * skipped, and a line that is not JSON is reported and skipped like an invalid item). Each
 * paper's featured day is the UTC date of the item's top-level `publishedAt`, when present.
 *
 * A paper listed more than once is stored once, its copies merged into the fullest record
 * ({@link mergeCopies}), and reported in `duplicates` with where each copy was.
 *
 * Papers are stored in batches of 1,000, each committed on its own and two at a time (a file
 * can hold a whole archive); if the database fails midway, importing the file again completes it.
 *
 * Throws {@link ImportFileError} when the file is unreadable, empty, an unparsable JSON array,
 * or has no JSON line at all (nothing is stored then); the run is recorded in the ingest log either way.
 */
export async function importFile(options: ImportFileOptions): Promise<IngestReport & { duplicates: DuplicateItem[] }> {
  const { store, path } = options;
  return recordedIngestRun(store.ingestLog, { source: 'import', target: basename(path) }, async () => {
    const { papers, invalid, fetched } = parseItems(await readText(path), path);
    const unique = [...papers.values()];
    const counts = await store.papers.storeInBulk(
      unique.map((copies) => copies.paper),
      {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.onIndexProgress ? { onIndexProgress: options.onIndexProgress } : {}),
      },
    );
    const duplicates = unique.filter((copies) => copies.where.length > 1).map((copies) => ({ id: copies.paper.id, where: copies.where }));
    return { fetched, ...counts, invalid, duplicates };
  });
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new ImportFileError(`Cannot read ${path}: ${why}`, { cause: error });
  }
}

interface ParsedFile {
  /** By id, in the order first seen: the merged paper and where each copy was. */
  papers: Map<string, { paper: PaperInput; where: string[] }>;
  invalid: InvalidItem[];
  fetched: number;
}

function parseItems(content: string, path: string): ParsedFile {
  const body = content.replace(/^\uFEFF/, '');
  if (!body.trim()) throw new ImportFileError(`${path} is empty: expected a JSON array or JSON lines of daily-papers items`);
  return body.trimStart().startsWith('[') ? parseArray(body, path) : parseLines(body, path);
}

function parseArray(body: string, path: string): ParsedFile {
  let items: unknown;
  try {
    items = JSON.parse(body);
  } catch (error) {
    throw new ImportFileError(`${path} starts like a JSON array but is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(items)) throw new ImportFileError(`${path} is not a JSON array`);
  const parsed: ParsedFile = { papers: new Map(), invalid: [], fetched: items.length };
  items.forEach((raw, index) => addItem(parsed, raw, `index ${index}`));
  return parsed;
}

function parseLines(body: string, path: string): ParsedFile {
  const parsed: ParsedFile = { papers: new Map(), invalid: [], fetched: 0 };
  let jsonLines = 0;
  let firstFailure = '';
  body.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    parsed.fetched++;
    const where = `line ${index + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      firstFailure ||= `${where}: ${(error as Error).message}`;
      parsed.invalid.push({ where, field: '', message: `not JSON: ${(error as Error).message}` });
      return;
    }
    jsonLines++;
    addItem(parsed, raw, where);
  });
  if (jsonLines === 0) {
    throw new ImportFileError(`${path} is neither a JSON array nor JSON lines (${firstFailure})`);
  }
  return parsed;
}

function addItem(parsed: ParsedFile, raw: unknown, where: string): void {
  const check = checkHfItem(raw, where);
  if (!check.ok) {
    parsed.invalid.push(check.invalid);
    return;
  }
  const featuredAt = check.item.publishedAt;
  const paper = hfItemToPaperInput(check.item, { source: 'import', featuredOn: featuredAt ? utcDate(featuredAt) : null });
  const seen = parsed.papers.get(paper.id);
  if (seen) {
    seen.paper = mergeCopies(seen.paper, paper);
    seen.where.push(where);
  } else {
    parsed.papers.set(paper.id, { paper, where: [where] });
  }
}

/**
 * Two copies of one paper in a file, as one: every field either copy fills in is kept (an
 * empty author list, summary or link never replaces a filled one); where both fill a field,
 * the later copy's wins, except the counts, which only grow, so the higher is kept.
 */
export function mergeCopies(earlier: PaperInput, later: PaperInput): PaperInput {
  const merged: Record<string, unknown> = { ...earlier };
  for (const [key, value] of Object.entries(later)) {
    if (!isEmpty(value)) merged[key] = value;
  }
  for (const key of ['upvotes', 'comments'] as const) {
    const counts = [earlier[key], later[key]].filter((count): count is number => count !== undefined);
    if (counts.length) merged[key] = Math.max(...counts);
  }
  return merged as unknown as PaperInput;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}
