import { describe, expect, it } from 'vitest';
import { atLeast, splitTerms } from '../../src/db/search-terms.ts';

describe('splitTerms', () => {
  it('splits a parsed query at its top-level ands into terms and exclusions', () => {
    const { terms, exclusions } = splitTerms("'larg' <-> 'languag' & 'model' & !'memori'");
    expect(terms.map((t) => t.query)).toEqual(["'larg' <-> 'languag'", "'model'"]);
    expect(terms[0]).toMatchObject({ inTitle: "'larg':A <-> 'languag':A", inHeadline: "'larg':AB <-> 'languag':AB", lexemes: ['larg', 'languag'] });
    expect(exclusions).toEqual(["!'memori'"]);
  });

  it('keeps an OR group as one term, as Postgres groups it', () => {
    expect(splitTerms("'hipporag' | 'mora'").terms).toMatchObject([{ query: "'hipporag' | 'mora'", anyOf: true, lexemes: ['hipporag', 'mora'] }]);
    // & binds tighter than |: websearch's "a b OR c d" is b | (c & d) once "a" is dropped as a stop word.
    expect(splitTerms("'b' | 'c' & 'd'").terms).toHaveLength(1);
    expect(splitTerms("'x' & ( 'a' | 'b' )").terms.map((t) => t.query)).toEqual(["'x'", "'a' | 'b'"]);
  });

  it('unquotes lexemes with quotes in them, and takes no term twice', () => {
    expect(splitTerms("'o''brien' & 'o''brien'").terms.map((t) => t.lexemes)).toEqual([["o'brien"]]);
    expect(splitTerms('').terms).toEqual([]);
  });

  it('writes "at least k of the terms" as a query', () => {
    const { terms } = splitTerms("'a' & 'b' & 'c'");
    expect(atLeast(terms, 2, ["!'x'"])).toBe("( ( ( 'a' ) & ( 'b' ) ) | ( ( 'a' ) & ( 'c' ) ) | ( ( 'b' ) & ( 'c' ) ) ) & !'x'");
    expect(atLeast(terms, 1, [])).toBe("( ( 'a' ) | ( 'b' ) | ( 'c' ) )");
    expect(atLeast(terms, 4, [])).toBeUndefined();
    expect(atLeast(splitTerms(Array.from({ length: 12 }, (_, i) => `'w${i}'`).join(' & ')).terms, 6, [])).toBeUndefined();
  });
});
