import { sql } from 'kysely';
import type { PlatformFilter } from '../core/ports/delivery-ledger.ts';

/** `and r.platform = any(...)` for a query that joins recipients as `r`, or nothing when every platform counts. */
export function platformClause(platforms: PlatformFilter) {
  return platforms === undefined ? sql`` : sql`and r.platform = any(${[...platforms]}::text[])`;
}
