import { sql } from 'kysely';
import type { PlatformFilter } from '../core/ports/delivery-ledger.ts';

/**
 * `and <the recipient is one the filter takes>` for a query that joins recipients as `r`, or
 * nothing when every recipient counts. Whole platforms match on `r.platform`; a platform
 * narrowed to some external ids matches on (platform, external_id), which recipients' unique
 * key serves.
 */
export function platformClause(platforms: PlatformFilter) {
  if (platforms === undefined) return sql``;
  const whole = platforms.filter((entry): entry is string => typeof entry === 'string');
  const some = platforms.flatMap((entry) => (typeof entry === 'string' ? [] : entry.externalIds.map((id) => [entry.platform, id] as const)));
  if (some.length === 0) return sql`and r.platform = any(${whole}::text[])`;
  return sql`and (r.platform = any(${whole}::text[])
              or (r.platform, r.external_id) in (select * from unnest(${some.map(([p]) => p)}::text[], ${some.map(([, id]) => id)}::text[])))`;
}
