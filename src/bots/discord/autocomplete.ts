import type { ApplicationCommandOptionChoiceData } from 'discord.js';
import type { Kysely } from 'kysely';
import { followText } from '../../core/follow.ts';
import type { RecipientRef } from '../../core/recipient.ts';
import { listFollows } from '../../db/follows.ts';
import { findRecipientId } from '../../db/recipients.ts';
import type { Database } from '../../db/schema.ts';

/** Discord shows at most 25 autocomplete choices. */
export const MAX_CHOICES = 25;
/** Names and values of choices are at most 100 characters. */
const MAX_CHOICE_LENGTH = 100;

type Choice = ApplicationCommandOptionChoiceData<string>;

/** What the recipient follows, matching what is typed so far (for `/papers unfollow`). */
export async function followChoices(db: Kysely<Database>, recipient: RecipientRef, typed: string): Promise<Choice[]> {
  const recipientId = await findRecipientId(db, recipient);
  if (!recipientId) return [];
  const texts = (await listFollows(db, recipientId)).map(followText).filter((text) => text.length <= MAX_CHOICE_LENGTH);
  return rank(texts, typed).map((text) => ({ name: text, value: text }));
}

let zones: string[] | undefined;

/** IANA timezone names this runtime knows (plus UTC), sorted. */
export function timezoneNames(): string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])].sort();
  return zones;
}

/** Timezones matching what is typed so far: prefix matches first, "new york" finds America/New_York. */
export function timezoneChoices(typed: string): Choice[] {
  return rank(timezoneNames(), typed.replace(/\s+/g, '_')).map((zone) => ({ name: zone.replace(/_/g, ' '), value: zone }));
}

/** Case-insensitive matches: whole-name prefix, then word prefix, then substring; at most 25. */
function rank(items: readonly string[], typed: string): string[] {
  const needle = typed.trim().toLowerCase();
  if (!needle) return items.slice(0, MAX_CHOICES);
  const score = (item: string): number => {
    const lower = item.toLowerCase();
    if (lower.startsWith(needle)) return 0;
    if (lower.split(/[/_:\s-]/).some((word) => word.startsWith(needle))) return 1;
    return lower.includes(needle) ? 2 : -1;
  };
  return items
    .map((item) => ({ item, score: score(item) }))
    .filter((entry) => entry.score >= 0)
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX_CHOICES)
    .map((entry) => entry.item);
}
