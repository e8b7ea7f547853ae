/**
 * A deterministic synthetic corpus of ML papers for the benchmarks.
 *
 * Every paper is a pure function of (seed, index), so any slice can be regenerated without
 * the rest — `corpusBatches` streams a million papers in small batches and never holds
 * them all, and `dayPapers` rebuilds one day's papers for a re-ingest. Papers are laid out
 * oldest first over consecutive days ending on `CORPUS_LAST_DAY` (~300 a weekday, fewer at
 * weekends, like arXiv's ML listings), so 1M papers cover about eleven years.
 *
 * Realism where it matters for the queries: titles of 4–12 words and abstracts of
 * 7–12 sentences (~120 words); topics, filler words and rare terms drawn with Zipf-like laws (a few
 * very common, a long tail); 1–12 authors from a pool of ~36k names with prolific
 * authors; about one paper in eight featured on Hugging Face with heavy-tailed upvotes
 * (Pareto), AI keywords and a summary; a primary arXiv category plus cross-lists.
 */
import type { PaperInput } from '../src/core/paper.ts';
import { CATEGORIES, FIRST_NAMES, GENERIC, LAST_NAMES, SENTENCE_TEMPLATES, TITLE_TEMPLATES, TOPICS } from './vocab.ts';

/** Bump when the generator changes, so stored benchmark databases are rebuilt. */
export const CORPUS_VERSION = 1;
export const DEFAULT_SEED = 20261127;
/** The newest day of every corpus (a Thursday): `today` and the digests read this day. */
export const CORPUS_LAST_DAY = '2026-11-26';
/** Papers on a full weekday. */
export const PAPERS_PER_WEEKDAY = 300;

const MS_PER_DAY = 86_400_000;
/** Share of a weekday's volume by ISO weekday (Mon…Sun): arXiv is quiet at weekends. */
const WEEKDAY_SHARE = [0, 1.15, 1.05, 1.0, 1.0, 0.95, 0.3, 0.25] as const;
/** Share of papers that Hugging Face featured (and so have upvotes, keywords and a summary). */
const HF_SHARE = 0.12;

// --- randomness ------------------------------------------------------------------------

/** A 32-bit integer hash (splitmix-style), to derive one independent stream per paper. */
function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for synthetic text. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Samples ranks 0…n−1 with P(k) ∝ 1/(k+1)^s. */
export class Zipf {
  private readonly cdf: Float64Array;
  constructor(
    readonly n: number,
    s: number,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) this.cdf[k] = sum += 1 / (k + 1) ** s;
    for (let k = 0; k < n; k++) this.cdf[k]! /= sum;
  }
  sample(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// --- vocabulary --------------------------------------------------------------------------

const SYLLABLES = [
  'ka',
  'lo',
  'ri',
  'ne',
  'mu',
  'ta',
  'vo',
  'si',
  'de',
  'xa',
  'pe',
  'zu',
  'gra',
  'tor',
  'lin',
  'mer',
  'vex',
  'qua',
  'dro',
  'fen',
  'ba',
  'co',
  'hy',
  'ju',
  'ky',
  'la',
  'mo',
  'nu',
  'pi',
  'ro',
  'su',
  'ti',
  'ul',
  'ven',
  'wi',
  'yo',
  'zen',
  'tra',
  'pro',
  'syn',
];

/** ~24k rare terms ("kalorine", "tradrofen"): the long tail that makes most words selective. */
const RARE_TERMS: readonly string[] = (() => {
  const rng = new Rng(7);
  const seen = new Set<string>();
  const terms: string[] = [];
  while (terms.length < 24_000) {
    const parts = rng.int(2, 4);
    let word = '';
    for (let i = 0; i < parts; i++) word += rng.pick(SYLLABLES);
    word += rng.pick(['', '', 'ic', 'ive', 'ism', 'al', 'ine', 'ity']);
    if (!seen.has(word)) {
      seen.add(word);
      terms.push(word);
    }
  }
  return terms;
})();

const TITLE_ADJECTIVES = [
  'Efficient',
  'Scalable',
  'Robust',
  'Unified',
  'Simple',
  'General',
  'Adaptive',
  'Interpretable',
  'Faithful',
  'Fast',
  'Controllable',
  'Zero-Shot',
  'Sparse',
  'Hierarchical',
  'Generalizable',
  'Data-Efficient',
  'Self-Improving',
  'Provable',
];
const METHOD_SUFFIXES = ['', '', 'Net', 'GPT', 'Former', 'RAG', 'Diff', 'LM', 'Bench', 'Agent', 'VLM', 'Flow', '-R1', 'X'];

const topicZipf = new Zipf(TOPICS.length, 1.0);
const genericZipf = new Zipf(GENERIC.length, 0.8);
const rareZipf = new Zipf(RARE_TERMS.length, 1.05);
/** Author identities; prolific ones come first. FIRST × LAST names give ~36k distinct people. */
const AUTHOR_POOL = FIRST_NAMES.length * LAST_NAMES.length;
const authorZipf = new Zipf(AUTHOR_POOL, 0.75);
const categoryZipf = new Zipf(CATEGORIES.length, 1.2);

/** The name of author number k; different k give different names. */
export function authorName(k: number): string {
  const spread = (k * 7919) % AUTHOR_POOL;
  return `${FIRST_NAMES[spread % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(spread / FIRST_NAMES.length)]}`;
}

export function topic(k: number): string {
  return TOPICS[k]!;
}

export function rareTerm(k: number): string {
  return RARE_TERMS[k]!;
}

function capitalise(words: string): string {
  return words.replace(/(^|\s)(\p{Ll})/gu, (_, space: string, ch: string) => space + ch.toUpperCase());
}

// --- layout over days ------------------------------------------------------------------------

export interface CorpusLayout {
  size: number;
  seed: number;
  /** Days oldest first, each with the index of its first paper. */
  days: { day: string; start: number; count: number; monthStart: number }[];
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Lays `size` papers over days ending on CORPUS_LAST_DAY (the oldest day may be partial). */
export function corpusLayout(size: number, seed = DEFAULT_SEED): CorpusLayout {
  const backwards: { day: string; count: number }[] = [];
  let remaining = size;
  for (let ms = Date.parse(`${CORPUS_LAST_DAY}T00:00:00Z`); remaining > 0; ms -= MS_PER_DAY) {
    const weekday = new Date(ms).getUTCDay() || 7;
    const jitter = 0.9 + (mix(seed, ms / MS_PER_DAY) % 1000) / 5000;
    const count = Math.min(remaining, Math.round(PAPERS_PER_WEEKDAY * WEEKDAY_SHARE[weekday]! * jitter));
    // The newest day is exactly PAPERS_PER_WEEKDAY, so "one day's 300 new papers" holds for every size.
    const fixed = backwards.length === 0 ? Math.min(remaining, PAPERS_PER_WEEKDAY) : count;
    backwards.push({ day: isoDay(ms), count: fixed });
    remaining -= fixed;
  }
  const days: CorpusLayout['days'] = [];
  let start = 0;
  let month = '';
  let monthStart = 0;
  for (const { day, count } of backwards.reverse()) {
    if (day.slice(0, 7) !== month) {
      month = day.slice(0, 7);
      monthStart = 0;
    }
    days.push({ day, start, count, monthStart });
    start += count;
    monthStart += count;
  }
  return { size, seed, days };
}

function dayOf(layout: CorpusLayout, index: number): CorpusLayout['days'][number] {
  let lo = 0;
  let hi = layout.days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (layout.days[mid]!.start <= index) lo = mid;
    else hi = mid - 1;
  }
  return layout.days[lo]!;
}

// --- papers ---------------------------------------------------------------------------------

/** The arXiv id of paper number `index` (what `paperAt(layout, index).id` is, without generating the paper). */
export function paperIdAt(layout: CorpusLayout, index: number, slot = dayOf(layout, index)): string {
  const sequence = slot.monthStart + (index - slot.start) + 1;
  return `${slot.day.slice(2, 4)}${slot.day.slice(5, 7)}.${String(sequence).padStart(5, '0')}`;
}

/** Paper number `index` of the corpus (0 = oldest). */
export function paperAt(layout: CorpusLayout, index: number): PaperInput {
  const slot = dayOf(layout, index);
  const rng = new Rng(mix(layout.seed, index));
  const id = paperIdAt(layout, index, slot);

  const topics = [TOPICS[topicZipf.sample(rng)]!, TOPICS[topicZipf.sample(rng)]!, TOPICS[topicZipf.sample(rng)]!];
  const method = capitalise(RARE_TERMS[rareZipf.sample(rng) % 4000]!) + rng.pick(METHOD_SUFFIXES);
  const fill = (template: string): string =>
    template.replace(/\{(\w)\}/g, (_, key: string) => {
      switch (key) {
        case 't':
          return topics[0]!;
        case 'T':
          return capitalise(topics[0]!);
        case 'u':
          return rng.chance(0.6) ? topics[1]! : topics[2]!;
        case 'g':
          return GENERIC[genericZipf.sample(rng)]!;
        case 'G':
          return rng.pick(TITLE_ADJECTIVES);
        case 'x':
          return RARE_TERMS[rareZipf.sample(rng)]!;
        case 'm':
          return method;
        case 'n':
          return String(rng.int(1, 40));
        default:
          return key;
      }
    });

  const title = capitalise(fill(rng.pick(TITLE_TEMPLATES)));
  const sentences: string[] = [];
  for (let n = rng.int(7, 12); n > 0; n--) sentences.push(fill(rng.pick(SENTENCE_TEMPLATES)));
  const abstract = sentences.join(' ').replace(/^./, (c) => c.toUpperCase());

  const authorCount = Math.min(12, 1 + Math.floor(-Math.log(1 - rng.next()) * 4));
  const authors = new Set<string>();
  while (authors.size < authorCount) authors.add(authorName(authorZipf.sample(rng)));

  const primary = CATEGORIES[categoryZipf.sample(rng)]!;
  const categories = new Set([primary]);
  for (let n = rng.int(0, 2); n > 0; n--) categories.add(CATEGORIES[categoryZipf.sample(rng)]!);

  const publishedAt = new Date(Date.parse(`${slot.day}T00:00:00Z`) + rng.int(0, MS_PER_DAY / 1000 - 1) * 1000);
  const base: PaperInput = {
    id,
    title,
    abstract,
    authors: [...authors],
    publishedAt,
    categories: [...categories],
    primaryCategory: primary,
    source: 'arxiv',
  };
  if (!rng.chance(HF_SHARE)) return base;

  // Pareto(α = 1.1): most featured papers get a handful of upvotes, a few get hundreds.
  const upvotes = Math.min(3000, Math.floor(2 / (1 - rng.next()) ** (1 / 1.1)) - 1);
  const keywords = new Set([topics[0]!, topics[1]!]);
  for (let n = rng.int(1, 4); n > 0; n--) keywords.add(RARE_TERMS[rareZipf.sample(rng)]!);
  return {
    ...base,
    source: 'hf',
    featuredOn: slot.day,
    upvotes,
    comments: Math.floor(upvotes / rng.int(5, 40)),
    aiSummary: fill(rng.pick(SENTENCE_TEMPLATES)),
    aiKeywords: [...keywords],
    githubRepo: rng.chance(0.4)
      ? `https://github.com/${method.toLowerCase().replace(/[^a-z0-9]/g, '')}/${method.toLowerCase().replace(/[^a-z0-9]/g, '')}`
      : null,
  };
}

/** Papers [from, to) in batches of `batchSize`, generated lazily. */
export function* corpusBatches(layout: CorpusLayout, batchSize: number, from = 0, to = layout.size): Generator<PaperInput[]> {
  for (let start = from; start < to; start += batchSize) {
    const batch: PaperInput[] = [];
    for (let i = start; i < Math.min(to, start + batchSize); i++) batch.push(paperAt(layout, i));
    yield batch;
  }
}

/** All papers listed on one day of the corpus (CORPUS_LAST_DAY by default). */
export function dayPapers(layout: CorpusLayout, day = CORPUS_LAST_DAY): PaperInput[] {
  const slot = layout.days.find((d) => d.day === day);
  if (!slot) return [];
  return [...corpusBatches(layout, slot.count, slot.start, slot.start + slot.count)].flat();
}

/**
 * A day that is not in the corpus (after its last day): `count` brand-new papers for the
 * "ingest one new day" measure. Variant `k` gives a different day each time.
 */
export function newDayPapers(layout: CorpusLayout, count: number, k: number): PaperInput[] {
  const ms = Date.parse(`${CORPUS_LAST_DAY}T00:00:00Z`) + (k + 1) * MS_PER_DAY;
  const day = isoDay(ms);
  const scratch: CorpusLayout = { size: count, seed: mix(layout.seed, 1000 + k), days: [{ day, start: 0, count, monthStart: 50_000 + k * count }] };
  return [...corpusBatches(scratch, count)].flat();
}
