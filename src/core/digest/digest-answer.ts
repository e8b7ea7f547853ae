import type { Answer, PaperCard, Reason } from '../answer.ts';
import { cardActions } from '../commands/shared.ts';
import { type Paper, toCard } from '../paper.ts';
import type { PendingDelivery } from '../ports/delivery-ledger.ts';
import type { PaperLibrary } from '../ports/paper-library.ts';
import type { CadenceKind } from '../subscription.ts';

/** One paper of a digest with the reasons it was picked. */
export interface DigestEntry {
  paper: Paper;
  reasons: Reason[];
}

/**
 * The scheduled post: "Daily picks for 2026-11-28" (or "Weekly picks for the week to
 * 2026-11-28"), one card per paper with why it was picked, 👍/👎 buttons, public. With no
 * papers it is the short "nothing new" note that subscribers who turned on `settings empty on` get.
 */
export function digestAnswer(
  localDate: string,
  entries: readonly DigestEntry[],
  card: (paper: Paper, reasons: Reason[]) => PaperCard = (paper, reasons) => toCard(paper, reasons),
  cadence: CadenceKind = 'daily',
): Answer {
  const title = cadence === 'weekly' ? `Weekly picks for the week to ${localDate}` : `Daily picks for ${localDate}`;
  const when = cadence === 'weekly' ? 'this week' : 'today';
  if (entries.length === 0) {
    return {
      title,
      cards: [],
      lines: [
        `Nothing new ${when}: no new papers matched what you follow since the last digest.`,
        'Follow more with `follow <topic>`, or stop these notes with `settings empty off`.',
      ],
      notice: { tone: 'info', text: `Nothing new ${when}.` },
      actions: [],
      visibility: 'public',
    };
  }
  const personal = entries.some((entry) => entry.reasons.some((reason) => reason.kind === 'follow'));
  const count = `${entries.length} new paper${entries.length === 1 ? '' : 's'}`;
  const topOnly = entries.every((entry) => entry.reasons.some((reason) => reason.kind === 'top'));
  return {
    title,
    subtitle: personal
      ? `${count} for what you follow.`
      : topOnly
        ? `${count}: the ${cadence === 'weekly' ? "week's" : "day's"} top picks. Follow topics with \`follow <topic>\` to get picks of your own.`
        : `${count}.`,
    cards: entries.map((entry) => card(entry.paper, entry.reasons)),
    lines: [],
    actions: cardActions(entries.map((entry) => entry.paper)),
    visibility: 'public',
  };
}

/**
 * Builds the posts for claimed deliveries from what their ledger rows recorded (papers and
 * reasons chosen at claim time), with the papers' current counts. One query for the batch.
 * Papers that disappeared from the library since are left out.
 */
export async function digestAnswers(library: Pick<PaperLibrary, 'findMany'>, deliveries: readonly PendingDelivery[]): Promise<Map<number, Answer>> {
  const papers = await library.findMany(deliveries.flatMap((d) => d.paperIds));
  // Popular papers appear in many digests of a batch: build each card (snippet, links) once.
  const cards = new Map<string, PaperCard>();
  const card = (paper: Paper, reasons: Reason[]): PaperCard => {
    let base = cards.get(paper.id);
    if (!base) cards.set(paper.id, (base = toCard(paper)));
    return { ...base, reasons };
  };
  return new Map(
    deliveries.map((delivery) => {
      const entries = delivery.paperIds.flatMap((id, index) => {
        const paper = papers.get(id);
        return paper ? [{ paper, reasons: delivery.reasons[index] ?? [] }] : [];
      });
      return [delivery.id, digestAnswer(delivery.localDate, entries, card, delivery.cadence)];
    }),
  );
}
