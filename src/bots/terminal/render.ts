import { reasonText } from '../../core/actions/action-label.ts';
import type { Answer, PaperCard } from '../../core/answer.ts';

/** Renders an Answer as plain terminal text (no colour codes, so it pipes cleanly). */
export function renderText(answer: Answer): string {
  const out: string[] = [answer.title];
  if (answer.subtitle) out.push(answer.subtitle);
  if (answer.notice) out.push(`${noticeMark[answer.notice.tone]} ${answer.notice.text}`);
  // A later page numbers its cards on from the pages before it.
  const first = (answer.page?.offset ?? 0) + 1;
  answer.cards.forEach((card, index) => out.push('', ...renderCard(card, first + index)));
  if (answer.lines.length) out.push('', ...answer.lines);
  const pages = answer.actions.filter((a) => a.kind === 'page');
  const follows = answer.actions.filter((a) => a.kind === 'follow');
  if (pages.length || follows.length || answer.cards.length) {
    out.push('');
    for (const action of pages) out.push(`${action.direction === 'next' ? 'n → next page' : 'p → previous page'}`);
    for (const action of follows) out.push(`→ ${action.follow ? 'follow' : 'unfollow'} ${action.topic}`);
    if (answer.cards.length) out.push('Rate with `vote <id> up|down`; open with `paper <id>`.');
  }
  return out.join('\n');
}

const noticeMark = { info: 'ℹ', success: '✓', warning: '!', error: '✗' } as const;

function renderCard(card: PaperCard, number: number): string[] {
  const authors = card.authors.length > 4 ? `${card.authors.slice(0, 3).join(', ')} et al.` : card.authors.join(', ');
  const stats = [
    `▲ ${card.upvotes}`,
    card.comments ? `💬 ${card.comments}` : '',
    card.date ?? '',
    card.vote ? (card.vote === 'up' ? 'you: 👍' : 'you: 👎') : '',
  ]
    .filter(Boolean)
    .join('  ');
  return [
    `${number}. ${card.title}  [${card.id}]`,
    ...(authors ? [`   ${authors}`] : []),
    `   ${stats}`,
    ...card.reasons.map((reason) => `   ★ ${reasonText(reason)}`),
    ...(card.snippet ? [`   ${card.snippet}`] : []),
    `   ${card.links.huggingFace}  ${card.links.arxiv}${card.links.github ? `  ${card.links.github}` : ''}`,
  ];
}
