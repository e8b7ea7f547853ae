/**
 * The 2,000 real arXiv papers of `bench/samples/arxiv-2007-04-sample.csv` (see the README
 * beside it) as paperboy inputs, for the quality check of `similar` and its test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PaperInput } from '../src/core/paper.ts';

export const ARXIV_SAMPLE_PATH = fileURLToPath(new URL('./samples/arxiv-2007-04-sample.csv', import.meta.url));

/** A sample paper: what is stored, plus its primary arXiv category (the first listed) as the label. */
export interface SamplePaper {
  input: PaperInput;
  /** e.g. `astro-ph`, `cond-mat.str-el`, `math.AG`. */
  primaryCategory: string;
  /** The archive of the primary category: `astro-ph`, `cond-mat`, `math`. */
  archive: string;
}

/** Reads the sample (2,000 papers, in file order). */
export function readArxivSample(path = ARXIV_SAMPLE_PATH): SamplePaper[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  const column = (name: string) => {
    const index = header!.indexOf(name);
    if (index < 0) throw new Error(`${path}: no column ${name}`);
    return index;
  };
  const [id, title, abstract, categories, authorsParsed] = ['id', 'title', 'abstract', 'categories', 'authors_parsed'].map(column) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return rows
    .filter((row) => row.length === header!.length)
    .map((row) => {
      const cats = row[categories]!.trim().split(/\s+/);
      const primary = cats[0]!;
      return {
        input: {
          id: restoreId(row[id]!),
          title: tidy(row[title]!),
          abstract: tidy(row[abstract]!),
          authors: authorNames(row[authorsParsed]!),
          categories: cats,
          primaryCategory: primary,
          source: 'arxiv' as const,
        },
        primaryCategory: primary,
        archive: primary.split('.')[0]!,
      };
    });
}

/** `704.0001` → `0704.0001`, `704.2` → `0704.2000`: the snapshot's ids went through a number on their way to CSV. */
export function restoreId(raw: string): string {
  const [month, number = ''] = raw.trim().split('.');
  return `${month!.padStart(4, '0')}.${number.padEnd(4, '0')}`;
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * `[['Pong', 'Y. H.', ''], ["O'Brien", 'P. T.', '']]` → `["Y. H. Pong", "P. T. O'Brien"]`: the
 * snapshot writes the parsed names as a Python literal (single quotes, double quotes around a
 * name holding an apostrophe, backslash escapes), not JSON. A fourth item (an affiliation) is
 * left out.
 */
export function authorNames(parsed: string): string[] {
  const names: string[][] = [];
  let current: string[] | undefined;
  let depth = 0;
  for (let i = 0; i < parsed.length; i++) {
    const ch = parsed[i]!;
    if (ch === '[') {
      depth++;
      if (depth === 2) current = [];
    } else if (ch === ']') {
      if (depth === 2 && current) names.push(current);
      depth--;
    } else if ((ch === "'" || ch === '"') && depth === 2) {
      let text = '';
      for (i++; i < parsed.length && parsed[i] !== ch; i++) {
        if (parsed[i] === '\\' && i + 1 < parsed.length) {
          i++;
          text += parsed[i] === 'n' ? '\n' : parsed[i];
        } else text += parsed[i];
      }
      current?.push(text);
    }
  }
  return names.map(([last = '', first = '', suffix = '']) => tidy(`${first} ${last} ${suffix}`)).filter((name) => name !== '');
}

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
