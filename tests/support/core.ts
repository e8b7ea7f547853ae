import type { Kysely } from 'kysely';
import type { CommandContext } from '../../src/core/commands/command.ts';
import { type Core, createCore } from '../../src/core/core.ts';
import type { PaperInput } from '../../src/core/paper.ts';
import type { RecipientRef } from '../../src/core/recipient.ts';
import type { Database } from '../../src/db/schema.ts';
import { createStorage } from '../../src/db/storage.ts';
import { silentLog } from './log.ts';

/** A clock fixed at an instant (or advanced by the test through `.set`). */
export function fixedClock(iso: string) {
  let now = new Date(iso);
  const clock = () => new Date(now);
  clock.set = (next: string) => {
    now = new Date(next);
  };
  return clock;
}

export function testCore(db: Kysely<Database>, clockIso = '2024-05-24T12:00:00Z'): Core {
  return createCore({ storage: createStorage(db), log: silentLog, clock: fixedClock(clockIso) });
}

/** A command context for a private chat user (or a channel), allowed to manage unless told otherwise. */
export function asUser(externalId = 'u1', platform = 'test'): CommandContext {
  return { recipient: { platform, externalId, kind: 'user' }, mayManage: async () => true };
}

export function asChannel(externalId: string, mayManage: boolean, platform = 'test'): CommandContext {
  const recipient: RecipientRef = { platform, externalId, kind: 'channel' };
  return { recipient, mayManage: async () => mayManage };
}

/** A few realistic papers of one HF day (2024-05-24) and the day before. */
export const samplePapers: PaperInput[] = [
  {
    id: '2405.15071',
    title: 'Grokked Transformers are Implicit Reasoners: A Mechanistic Journey to the Edge of Generalization',
    abstract:
      'We study whether transformers can learn to implicitly reason over parametric knowledge, a skill that even the most capable language models struggle with.',
    authors: ['Boshi Wang', 'Xiang Yue', 'Yu Su', 'Huan Sun'],
    featuredOn: '2024-05-24',
    publishedAt: new Date('2024-05-23T17:59:00Z'),
    upvotes: 5,
    comments: 1,
    aiKeywords: ['grokking', 'implicit reasoning', 'transformers'],
    categories: ['cs.CL', 'cs.LG'],
    source: 'hf',
  },
  {
    id: '2405.14831',
    title: 'HippoRAG: Neurobiologically Inspired Long-Term Memory for Large Language Models',
    abstract:
      'In order to thrive in hostile and ever-changing natural environments, mammalian brains evolved to store large amounts of knowledge about the world.',
    authors: ['Bernal Jiménez Gutiérrez', 'Yiheng Shu', 'Yu Gu', 'Michihiro Yasunaga', 'Yu Su'],
    featuredOn: '2024-05-24',
    upvotes: 40,
    comments: 3,
    aiKeywords: ['retrieval augmented generation', 'memory'],
    categories: ['cs.CL'],
    source: 'hf',
  },
  {
    id: '2405.15319',
    title: 'Stacking Your Transformers: A Closer Look at Model Growth for Efficient LLM Pre-Training',
    abstract:
      'LLMs are computationally expensive to pre-train due to their large scale. Model growth emerges as a promising approach. We also observe grokking-like behaviour late in training.',
    authors: ['Wenyu Du', 'Tongxu Luo', 'Zihan Qiu'],
    featuredOn: '2024-05-24',
    upvotes: 25,
    comments: 0,
    aiKeywords: ['model growth', 'pre-training'],
    categories: ['cs.CL', 'cs.AI'],
    source: 'hf',
  },
  {
    id: '2405.12130',
    title: 'MoRA: High-Rank Updating for Parameter-Efficient Fine-Tuning',
    abstract: 'Low-rank adaptation is a popular parameter-efficient fine-tuning method for large language models.',
    authors: ['Ting Jiang', 'Shaohan Huang'],
    featuredOn: '2024-05-23',
    upvotes: 60,
    comments: 2,
    aiKeywords: ['low-rank adaptation', 'fine-tuning'],
    categories: ['cs.CL'],
    source: 'hf',
  },
];

export async function seedPapers(db: Kysely<Database>, papers: PaperInput[] = samplePapers): Promise<void> {
  await createStorage(db).papers.store(papers);
}
