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
  // Other names Intl accepts (links like US/Eastern, Etc/GMT-2), but never offsets like +05:30,
  // which are not zones. Intl spells them as IANA does; guessing the case from the typed name
  // made "Us/Eastern" and "Etc/Gmt-2".
  if (!/^[a-z]+(\/[a-z0-9_+-]+)+$/.test(key) || !accepted(key)) return undefined;
  return new Intl.DateTimeFormat('en-US', { timeZone: key }).resolvedOptions().timeZone;
}

/** What a UTC offset typed as a timezone (`UTC+2`, `GMT-5`, `+05:30`) could be instead. */
export interface OffsetZones {
  /** The offset as typed, tidied: `UTC+2`, `UTC+5:30`. */
  offset: string;
  /** The fixed-offset zone for a whole-hour offset: `Etc/GMT-2` for UTC+2 (IANA inverts the sign). */
  fixed?: string;
  /** Up to three zones of places at that offset at `at` (well-known cities first), which also follow their summer time. */
  places: string[];
}

/**
 * Reads `text` as a UTC offset (`UTC+2`, `gmt-05:00`, `+0530`), which people often type for a
 * timezone; undefined when it is not one. Offsets are not zones (they never follow summer
 * time), so the caller suggests zones instead.
 */
export function offsetZones(text: string, at: Date = new Date()): OffsetZones | undefined {
  const match = /^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!match) return undefined;
  const sign = match[1] === '-' ? -1 : 1;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? '0');
  if (hours > 14 || minutes > 59) return undefined;
  const total = sign * (hours * 60 + minutes);
  const offset = `UTC${sign < 0 ? '-' : '+'}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
  // Etc/GMT-14 … Etc/GMT+12 exist; their sign is POSIX's, the opposite of the offset's.
  const fixed = minutes === 0 && total >= -12 * 60 && total <= 14 * 60 ? (total === 0 ? 'UTC' : `Etc/GMT${sign < 0 ? '+' : '-'}${hours}`) : undefined;
  const places: string[] = [];
  const seen = new Set<string>();
  // Well-known cities first; the other zones (a few hundred formatter calls) only when they are
  // too few. One name per zone: Asia/Kolkata and Asia/Calcutta are the same one.
  for (const zone of [...PLACES, ...timezoneNames()]) {
    if (places.length === 3) break;
    if (!zone.includes('/') || zone.startsWith('Etc/') || offsetMinutes(zone, at) !== total) continue;
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    if (seen.has(canonical)) continue;
    seen.add(canonical);
    places.push(zone);
  }
  return { offset, ...(fixed ? { fixed } : {}), places };
}

/** Zones of well-known cities, offered first for an offset. */
const PLACES = [
  'Europe/London Europe/Berlin Europe/Paris Europe/Athens Europe/Moscow Africa/Cairo Africa/Lagos Africa/Johannesburg Africa/Nairobi',
  'Asia/Dubai Asia/Tehran Asia/Karachi Asia/Kolkata Asia/Kathmandu Asia/Dhaka Asia/Bangkok Asia/Shanghai Asia/Singapore Asia/Tokyo Asia/Seoul',
  'Australia/Adelaide Australia/Sydney Pacific/Auckland Pacific/Honolulu America/Anchorage America/Los_Angeles America/Denver America/Chicago',
  'America/Mexico_City America/Bogota America/New_York America/Halifax America/St_Johns America/Sao_Paulo America/Argentina/Buenos_Aires',
].flatMap((line) => line.split(' '));

/** A zone's offset from UTC at `at`, in minutes; undefined for a zone this runtime does not know. */
function offsetMinutes(zone: string, at: Date): number | undefined {
  if (!accepted(zone)) return undefined;
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!match) return undefined;
  return match[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
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
