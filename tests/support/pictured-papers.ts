import type { PaperInput } from '../../src/core/paper.ts';

/** A paper's thumbnail as Hugging Face serves it. */
export function thumbnailOf(id: string): string {
  return `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${id}.png`;
}

/** Papers of 2024-05-24 with these ids, the best ranked first; `pictured` says which have a thumbnail. */
export function picturedPapers(ids: readonly string[], pictured: (id: string) => boolean): PaperInput[] {
  return ids.map((id, i) => ({
    id,
    title: `Pictured paper ${i + 1}`,
    abstract: 'What the figure shows, in words.',
    featuredOn: '2024-05-24',
    upvotes: 50 - i * 10,
    source: 'hf',
    ...(pictured(id) ? { thumbnail: thumbnailOf(id) } : {}),
  }));
}
