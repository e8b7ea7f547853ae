import { editDistance } from './commands/text.ts';

/**
 * arXiv's category taxonomy (https://arxiv.org/category_taxonomy), in arXiv's spelling, plus the
 * archives papers still carry from before the current scheme (cmp-lg, solv-int, the undivided
 * astro-ph and cond-mat…). Shipped with the code: `follow cat:…` is checked against it offline.
 */
const GROUPS: Record<string, string> = {
  cs: 'AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS PF PL RO SC SD SE SI SY',
  econ: 'EM GN TH',
  eess: 'AS IV SP SY',
  math: 'AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA RA RT SG SP ST',
  'astro-ph': 'CO EP GA HE IM SR',
  'cond-mat': 'dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con',
  nlin: 'AO CD CG PS SI',
  physics:
    'acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an ed-ph flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph',
  'q-bio': 'BM CB GN MN NC OT PE QM SC TO',
  'q-fin': 'CP EC GN MF PM PR RM ST TR',
  stat: 'AP CO ME ML OT TH',
};

/**
 * Archives without subject classes: the current physics archives; astro-ph, cond-mat and q-bio
 * as papers from before their subject classes carry them; and retired archives, since merged
 * into others, still the category of their old papers.
 */
const STANDALONE = [
  'gr-qc hep-ex hep-lat hep-ph hep-th math-ph nucl-ex nucl-th quant-ph',
  'astro-ph cond-mat q-bio',
  'acc-phys adap-org alg-geom ao-sci atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas dg-ga funct-an mtrl-th patt-sol plasm-ph q-alg solv-int supr-con',
].flatMap((line) => line.split(' '));

/** Every category, keyed by its lower-case form. */
const BY_KEY = new Map<string, string>(
  [...Object.entries(GROUPS).flatMap(([archive, subjects]) => subjects.split(' ').map((subject) => `${archive}.${subject}`)), ...STANDALONE].map((c) => [
    c.toLowerCase(),
    c,
  ]),
);

/** The category `text` names (case-insensitive), in arXiv's spelling (`cs.lg` → `cs.LG`); undefined when arXiv has none. */
export function arxivCategory(text: string): string | undefined {
  return BY_KEY.get(text.trim().toLowerCase());
}

/** Up to three categories close to a mistyped one (`cs.lq` → cs.LG…), closest first. */
export function closestArxivCategories(text: string): string[] {
  const key = text.trim().toLowerCase().slice(0, 30);
  return [...BY_KEY.entries()]
    .map(([lower, category]) => ({ category, distance: editDistance(key, lower) }))
    .filter((c) => c.distance <= Math.min(2, Math.floor(key.length / 3)))
    .sort((a, b) => a.distance - b.distance || (a.category < b.category ? -1 : 1))
    .slice(0, 3)
    .map((c) => c.category);
}
