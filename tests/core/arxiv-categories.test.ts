import { describe, expect, it } from 'vitest';
import { arxivCategory, closestArxivCategories } from '../../src/core/arxiv-categories.ts';

/**
 * Every category that occurs on the 2,000 papers of `arxiv-2007-04-sample.csv` (the first arXiv ids
 * of April 2007, from the public arXiv metadata snapshot, CC0), copied here from its `categories`
 * field: real labels, old and current, that papers carry.
 */
const SEEN_ON_PAPERS = [
  'astro-ph astro-ph.HE cond-mat.dis-nn cond-mat.mes-hall cond-mat.mtrl-sci cond-mat.other cond-mat.quant-gas cond-mat.soft cond-mat.stat-mech',
  'cond-mat.str-el cond-mat.supr-con cs.AI cs.AR cs.CC cs.CE cs.CG cs.CR cs.CV cs.CY cs.DB cs.DC cs.DL cs.DM cs.DS cs.GT cs.HC cs.IR cs.IT',
  'cs.LG cs.LO cs.MS cs.NA cs.NE cs.NI cs.OH cs.PF cs.PL cs.SC cs.SE gr-qc hep-ex hep-lat hep-ph hep-th math-ph math.AC math.AG math.AP math.AT',
  'math.CA math.CO math.CT math.CV math.DG math.DS math.FA math.GM math.GN math.GR math.GT math.HO math.IT math.KT math.LO math.MG math.MP',
  'math.NA math.NT math.OA math.OC math.PR math.QA math.RA math.RT math.SG math.SP math.ST nlin.AO nlin.CD nlin.CG nlin.PS nlin.SI nucl-ex',
  'nucl-th physics.acc-ph physics.ao-ph physics.atm-clus physics.atom-ph physics.bio-ph physics.chem-ph physics.class-ph physics.comp-ph',
  'physics.data-an physics.ed-ph physics.flu-dyn physics.gen-ph physics.geo-ph physics.hist-ph physics.ins-det physics.med-ph physics.optics',
  'physics.plasm-ph physics.pop-ph physics.soc-ph physics.space-ph q-bio.BM q-bio.CB q-bio.GN q-bio.MN q-bio.NC q-bio.OT q-bio.PE q-bio.QM',
  'q-bio.SC q-fin.CP q-fin.GN q-fin.PR q-fin.RM q-fin.ST quant-ph stat.AP stat.CO stat.ME stat.ML stat.TH',
].flatMap((line) => line.split(' '));

describe('arXiv categories', () => {
  it('knows every category seen on real papers, in arXiv’s spelling', () => {
    expect(SEEN_ON_PAPERS).toHaveLength(125);
    for (const category of SEEN_ON_PAPERS) expect(arxivCategory(category.toLowerCase()), category).toBe(category);
  });

  it('knows the current taxonomy and the old archives', () => {
    for (const category of [
      'cs.CL',
      'cs.SY',
      'econ.EM',
      'eess.IV',
      'astro-ph.GA',
      'physics.app-ph',
      'q-bio.TO',
      'q-fin.MF',
      'stat.OT',
      'cmp-lg',
      'solv-int',
      'cond-mat',
    ]) {
      expect(arxivCategory(category), category).toBe(category);
    }
    for (const text of ['nonsense', 'cs', 'cs.XX', 'math.lg', 'hep', 'cs.LG.extra', '']) expect(arxivCategory(text), text).toBeUndefined();
  });

  it('suggests close categories for a typo', () => {
    expect(closestArxivCategories('cs.lq')).toContain('cs.LG');
    expect(closestArxivCategories('hep-tj')).toContain('hep-th');
    expect(closestArxivCategories('zzzzzzzzzz')).toEqual([]);
  });
});
