/**
 * A parsed search (`websearch_to_tsquery`'s output, as tsquery text) taken apart into the
 * parts relevance is computed from: each word, "quoted phrase" or `a OR b` group the query
 * asks for (a *term*), and the `-words` it excludes. Pure text work: Postgres parses the
 * query once, this splits its printed form (`'larg' <-> 'languag' & 'model' & !'memori'`).
 */

/** tsquery syntax tree, as Postgres prints it: `!` binds tightest, then `<->`/`<N>`, `&`, `|`. */
type Node =
  | { kind: 'lexeme'; text: string }
  | { kind: 'not'; arg: Node }
  | { kind: 'phrase'; op: string; left: Node; right: Node }
  | { kind: 'and'; parts: Node[] }
  | { kind: 'or'; parts: Node[] };

/** One thing the query asks for, and what search needs to score it. */
export interface SearchTerm {
  /** The term as tsquery text (`'larg' <-> 'languag'`). */
  query: string;
  /** The same, matched only in the title (weight A). */
  inTitle: string;
  /** The same, matched only in the title, keywords or authors (weights A and B). */
  inHeadline: string;
  /** Its lexemes (`larg`, `languag`), to look their document frequencies up. */
  lexemes: string[];
  /** True for an `a OR b` group: as common as its most common alternative, not its rarest. */
  anyOf: boolean;
}

/** A query split into what it asks for and what it excludes. */
export interface SearchTerms {
  terms: SearchTerm[];
  /** The excluded parts as tsquery text (`!'memori'`), each a filter on every result. */
  exclusions: string[];
}

/** Splits tsquery text at its top-level `&` into terms and exclusions. */
export function splitTerms(tsquery: string): SearchTerms {
  if (tsquery.trim() === '') return { terms: [], exclusions: [] };
  const root = new Parser(tsquery).parse();
  const parts = root.kind === 'and' ? root.parts : [root];
  const terms: SearchTerm[] = [];
  const exclusions: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    if (part.kind === 'not') {
      exclusions.push(print(part));
      continue;
    }
    const query = print(part);
    if (seen.has(query)) continue;
    seen.add(query);
    terms.push({
      query,
      inTitle: print(part, 'A'),
      inHeadline: print(part, 'AB'),
      lexemes: [...new Set(lexemesOf(part))],
      anyOf: part.kind === 'or',
    });
  }
  return { terms, exclusions };
}

/**
 * A tsquery met by papers that hold at least `k` of the terms (and none of the exclusions):
 * the `k`-subsets of the terms, or-ed. Undefined when that takes more than `maxClauses`
 * clauses (long queries), for the caller to narrow otherwise.
 */
export function atLeast(terms: readonly SearchTerm[], k: number, exclusions: readonly string[], maxClauses = 70): string | undefined {
  if (k < 1 || k > terms.length) return undefined;
  const clauses: string[] = [];
  const pick = (start: number, chosen: string[]): boolean => {
    if (chosen.length === k) {
      clauses.push(chosen.length === 1 ? chosen[0]! : `( ${chosen.join(' & ')} )`);
      return clauses.length <= maxClauses;
    }
    for (let i = start; i <= terms.length - (k - chosen.length); i++) {
      if (!pick(i + 1, [...chosen, `( ${terms[i]!.query} )`])) return false;
    }
    return true;
  };
  if (!pick(0, [])) return undefined;
  return withExclusions(clauses.length === 1 ? clauses[0]! : `( ${clauses.join(' | ')} )`, exclusions);
}

/** `query` with every exclusion and-ed to it. */
export function withExclusions(query: string, exclusions: readonly string[]): string {
  return [query, ...exclusions].join(' & ');
}

function lexemesOf(node: Node): string[] {
  switch (node.kind) {
    case 'lexeme':
      return [unquote(node.text)];
    case 'not':
      return [];
    case 'phrase':
      return [...lexemesOf(node.left), ...lexemesOf(node.right)];
    default:
      return node.parts.flatMap(lexemesOf);
  }
}

/** `'o''brien'` → `o'brien` (the weight or prefix suffix, if any, left off). */
function unquote(text: string): string {
  const end = text.lastIndexOf("'");
  return text.slice(1, end).replace(/''/g, "'");
}

/** tsquery text of `node`; with `weights`, every lexeme is restricted to those weights (`'x':AB`). */
function print(node: Node, weights?: string): string {
  switch (node.kind) {
    case 'lexeme': {
      if (!weights) return node.text;
      const end = node.text.lastIndexOf("'");
      const suffix = node.text
        .slice(end + 1)
        .replace(/^:/, '')
        .replace(/[A-Da-d]/g, '');
      return `${node.text.slice(0, end + 1)}:${weights}${suffix}`;
    }
    case 'not':
      return `!${wrap(node.arg, weights)}`;
    case 'phrase':
      return `${wrap(node.left, weights)} ${node.op} ${wrap(node.right, weights)}`;
    case 'and':
      return node.parts.map((p) => wrap(p, weights)).join(' & ');
    case 'or':
      return node.parts.map((p) => wrap(p, weights)).join(' | ');
  }
}

function wrap(node: Node, weights?: string): string {
  const text = print(node, weights);
  return node.kind === 'lexeme' || node.kind === 'not' ? text : `( ${text} )`;
}

const TOKEN = /\s*('(?:[^']|'')*'(?::[A-Da-d*]+)?|<->|<\d+>|[&|!()])/y;

/** Precedence climbing over tsquery text. */
class Parser {
  private readonly tokens: string[] = [];
  private at = 0;

  constructor(text: string) {
    TOKEN.lastIndex = 0;
    let match: RegExpExecArray | null;
    let end = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      this.tokens.push(match[1]!);
      end = TOKEN.lastIndex;
    }
    if (text.slice(end).trim() !== '') throw new Error(`unexpected tsquery text: ${text}`);
  }

  parse(): Node {
    const node = this.or();
    if (this.at !== this.tokens.length) throw new Error(`unexpected tsquery token ${this.tokens[this.at]}`);
    return node;
  }

  private or(): Node {
    const parts = [this.and()];
    while (this.tokens[this.at] === '|') {
      this.at++;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts: parts.flatMap((p) => (p.kind === 'or' ? p.parts : [p])) };
  }

  private and(): Node {
    const parts = [this.phrase()];
    while (this.tokens[this.at] === '&') {
      this.at++;
      parts.push(this.phrase());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts: parts.flatMap((p) => (p.kind === 'and' ? p.parts : [p])) };
  }

  private phrase(): Node {
    let left = this.unary();
    while (/^<(->|\d+>)$/.test(this.tokens[this.at] ?? '')) {
      const op = this.tokens[this.at++]!;
      left = { kind: 'phrase', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    const token = this.tokens[this.at++];
    if (token === '!') return { kind: 'not', arg: this.unary() };
    if (token === '(') {
      const inner = this.or();
      if (this.tokens[this.at++] !== ')') throw new Error('unbalanced tsquery parentheses');
      return inner;
    }
    if (token?.startsWith("'")) return { kind: 'lexeme', text: token };
    throw new Error(`unexpected tsquery token ${token ?? 'end'}`);
  }
}
