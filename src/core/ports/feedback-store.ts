import type { Vote } from '../answer.ts';
import type { RecipientId } from './recipient-store.ts';

/** 👍/👎 on papers, per recipient. */
export interface FeedbackStore {
  /** Stores (or replaces) a vote; `null` clears it. */
  setVote(recipient: RecipientId, paperId: string, vote: Vote | null, now: Date): Promise<void>;
  /** The recipient's votes on the given papers. */
  votesOn(recipient: RecipientId, paperIds: readonly string[]): Promise<Map<string, Vote>>;
}
