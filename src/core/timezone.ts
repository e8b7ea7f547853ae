import { editDistance } from './commands/text.ts';

let zones: Map<string, string> | undefined;

/**
 * Current names that older ICU data (Node 20's) lists only under their former names
 * (Asia/Calcutta, Europe/Kiev…); Intl accepts both, people type the new ones.
 */
const RENAMED = ['Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'Asia/Yangon', 'America/Nuuk', 'Pacific/Kanton', 'Atlantic/Faroe'];

function accepted(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every IANA zone this runtime knows, keyed by lower-case name. */
function knownZones(): Map<string, string> {
  zones ??= new Map([...Intl.supportedValuesOf('timeZone'), ...RENAMED.filter(accepted), 'UTC', 'Etc/UTC'].map((zone) => [zone.toLowerCase(), zone]));
  return zones;
}

/** All IANA zone names (for autocomplete). */
export function timezoneNames(): string[] {
  return [...new Set(knownZones().values())].sort();
}

/** The canonical IANA name for `text` (case-insensitive, spaces as underscores), or undefined. */
export function resolveTimezone(text: string): string | undefined {
  const key = text.trim().replace(/\s+/g, '_').toLowerCase();
  if (key === 'gmt' || key === 'z' || key === 'utc') return 'UTC';
  const known = knownZones().get(key);
  if (known) return known;
  // Other link names Intl accepts (US/Eastern…), but never offsets like +05:30, which are not zones.
  if (!/^[a-z]+(\/[a-z0-9_+-]+)+$/.test(key) || !accepted(key)) return undefined;
  return key.replace(/(^|[/_-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** Up to three known zones close to a mistyped one, for "did you mean". */
export function suggestTimezones(text: string): string[] {
  const key = text.trim().replace(/\s+/g, '_').toLowerCase().slice(0, 40);
  return [...knownZones().entries()]
    .map(([lower, zone]) => ({ zone, distance: editDistance(key, lower) }))
    .filter((z) => z.distance <= Math.max(2, Math.floor(key.length / 4)))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map((z) => z.zone);
}
