/** Most suggestions a platform shows while an option is typed (Discord: 25). */
export const MAX_SUGGESTIONS = 25;

/**
 * `items` matching what is typed so far, case-insensitively: whole-name prefix first, then a
 * word prefix ("new" finds America/New_York), then a substring; at most 25. Everything
 * (the first 25) when nothing is typed yet.
 */
export function rankSuggestions(items: readonly string[], typed: string): string[] {
  const needle = typed.trim().toLowerCase().replace(/\s+/g, '_');
  if (!needle) return items.slice(0, MAX_SUGGESTIONS);
  const loose = needle.replace(/_/g, ' ');
  const score = (item: string): number => {
    const lower = item.toLowerCase();
    if (lower.startsWith(needle) || lower.startsWith(loose)) return 0;
    if (lower.split(/[/_:\s-]/).some((word) => word.startsWith(needle) || word.startsWith(loose))) return 1;
    return lower.includes(needle) || lower.includes(loose) ? 2 : -1;
  };
  return items
    .map((item) => ({ item, score: score(item) }))
    .filter((entry) => entry.score >= 0)
    .sort((a, b) => a.score - b.score)
    .slice(0, MAX_SUGGESTIONS)
    .map((entry) => entry.item);
}
