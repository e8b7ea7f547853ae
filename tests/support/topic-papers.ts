import type { PaperInput } from '../../src/core/paper.ts';

/**
 * Papers on five topics with their own vocabularies (interpretability, protein structure,
 * image diffusion, robot learning, quantum error correction), listed over 2024-05-18 … 05-24,
 * none with AI keywords and no author shared across papers: what ties papers of a topic
 * together is only what they are about. Enough of them that the content model keeps the
 * topics' words (a term needs two papers, and at most its common-term limit).
 */
export const topicPapers: PaperInput[] = [
  // Interpretability: sparse autoencoders, features, circuits.
  p(
    '2405.30001',
    '2024-05-18',
    'Sparse autoencoders find interpretable features in language models',
    'We train sparse autoencoders on residual stream activations and find monosemantic interpretable features and circuits.',
    4,
  ),
  p(
    '2405.30002',
    '2024-05-20',
    'Scaling monosemanticity: sparse autoencoders on a production model',
    'Sparse autoencoders recover millions of interpretable features; sparse dictionaries scale and features steer behaviour.',
    9,
  ),
  p(
    '2405.30003',
    '2024-05-22',
    'Sparse dictionaries of residual stream features',
    'Monosemantic features from sparse dictionaries explain circuits in the residual stream of transformers.',
    3,
  ),
  p(
    '2405.30004',
    '2024-05-24',
    'Automated circuit discovery with sparse feature circuits',
    'Sparse autoencoders give interpretable features; we discover circuits of features that explain model behaviour.',
    2,
  ),
  // Protein structure.
  p(
    '2405.30011',
    '2024-05-18',
    'Protein structure prediction with equivariant attention',
    'We predict protein structure from amino acid sequences using equivariant attention over residues and backbone geometry.',
    5,
  ),
  p(
    '2405.30012',
    '2024-05-21',
    'Protein folding dynamics from coevolution',
    'Protein folding pathways inferred from coevolution of amino acid residues and contact maps of the backbone.',
    6,
  ),
  p(
    '2405.30013',
    '2024-05-23',
    'Designing protein binders with backbone diffusion',
    'We design protein binders by generating backbone geometry and amino acid sequences conditioned on a target structure.',
    8,
  ),
  p(
    '2405.30014',
    '2024-05-24',
    'Antibody structure from sequence with residue contact maps',
    'Antibody structure prediction from amino acid sequence; residue contact maps and backbone geometry improve accuracy.',
    1,
  ),
  // Image diffusion.
  p(
    '2405.30021',
    '2024-05-19',
    'Latent diffusion for high resolution image synthesis',
    'Denoising diffusion in a latent space synthesises high resolution images; a text encoder conditions the denoiser.',
    30,
  ),
  p(
    '2405.30022',
    '2024-05-22',
    'Consistency distillation for fast image diffusion sampling',
    'We distill a denoising diffusion network into a consistency sampler that synthesises images in one sampling step.',
    12,
  ),
  p(
    '2405.30023',
    '2024-05-24',
    'Video diffusion transformers with spacetime patches',
    'A diffusion transformer denoises spacetime patches of video latents; text conditioning and sampling steps matter.',
    15,
  ),
  // Robot learning.
  p(
    '2405.30031',
    '2024-05-19',
    'Dexterous robot manipulation from teleoperation demonstrations',
    'A robot arm learns dexterous manipulation policies from teleoperation demonstrations with imitation learning.',
    7,
  ),
  p(
    '2405.30032',
    '2024-05-23',
    'Sim to real transfer of quadruped locomotion policies',
    'Reinforcement learning in simulation trains quadruped locomotion policies that transfer to the real robot.',
    10,
  ),
  p(
    '2405.30033',
    '2024-05-24',
    'Imitation learning of bimanual manipulation policies',
    'Bimanual robot manipulation policies learned by imitation from teleoperation demonstrations and reinforcement learning.',
    11,
  ),
  // Quantum error correction.
  p(
    '2405.30041',
    '2024-05-20',
    'Surface code decoding with neural networks',
    'We decode the surface code with a neural decoder; logical error rates fall below threshold for qubits.',
    2,
  ),
  p(
    '2405.30042',
    '2024-05-24',
    'Logical qubits below the surface code threshold',
    'Logical qubits encoded in the surface code reach error rates below threshold; decoding latency is the limit.',
    20,
  ),
];

/** A paper of {@link topicPapers}: its own authors, no keywords, one arXiv category. */
function p(id: string, day: string, title: string, abstract: string, upvotes: number): PaperInput {
  return { id, title, abstract, featuredOn: day, upvotes, authors: [`Author ${id}`], categories: ['cs.LG'], source: 'hf' };
}

/** Titles by id, for readable assertions. */
export function topicTitle(id: string): string {
  return topicPapers.find((paper) => paper.id === id)!.title;
}
