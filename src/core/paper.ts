import type { PaperCard, PaperLinks, Reason, Vote } from './answer.ts';

export type PaperSource = 'hf' | 'arxiv' | 'import';

/** A paper as the core knows it. */
export interface Paper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  publishedAt: Date | null;
  featuredOn: string | null;
  listedOn: string | null;
  upvotes: number;
  comments: number;
  aiSummary: string | null;
  aiKeywords: string[];
  githubRepo: string | null;
  projectPage: string | null;
  thumbnail: string | null;
  categories: string[];
}

/** What an ingester hands to the store; absent fields are left as they are. */
export interface PaperInput {
  id: string;
  title: string;
  source: PaperSource;
  abstract?: string;
  authors?: string[];
  publishedAt?: Date | null;
  featuredOn?: string | null;
  upvotes?: number;
  comments?: number;
  aiSummary?: string | null;
  aiKeywords?: string[];
  githubRepo?: string | null;
  projectPage?: string | null;
  thumbnail?: string | null;
  categories?: string[];
  primaryCategory?: string | null;
}

/** Where a paper can be opened. */
export function paperLinks(paper: Pick<Paper, 'id' | 'githubRepo' | 'projectPage'>): PaperLinks {
  return {
    huggingFace: `https://huggingface.co/papers/${paper.id}`,
    arxiv: `https://arxiv.org/abs/${paper.id}`,
    pdf: `https://arxiv.org/pdf/${paper.id}`,
    ...(paper.githubRepo ? { github: paper.githubRepo } : {}),
    ...(paper.projectPage ? { projectPage: paper.projectPage } : {}),
  };
}

const SNIPPET_LENGTH = 280;

/** The first ~280 characters of the AI summary or abstract, cut at a word boundary. */
export function snippetOf(paper: Pick<Paper, 'abstract' | 'aiSummary'>): string {
  const text = (paper.aiSummary || paper.abstract).replace(/\s+/g, ' ').trim();
  if (text.length <= SNIPPET_LENGTH) return text;
  const cut = text.slice(0, SNIPPET_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > SNIPPET_LENGTH / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/** A paper as a card, with the reasons it was picked and the recipient's vote. */
export function toCard(paper: Paper, reasons: Reason[] = [], vote?: Vote): PaperCard {
  return {
    id: paper.id,
    title: paper.title.replace(/\s+/g, ' ').trim(),
    authors: paper.authors,
    date: paper.listedOn,
    upvotes: paper.upvotes,
    comments: paper.comments,
    links: paperLinks(paper),
    snippet: snippetOf(paper),
    reasons,
    ...(vote ? { vote } : {}),
    ...(paper.thumbnail ? { thumbnail: paper.thumbnail } : {}),
  };
}
