import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/**
 * What every store in `src/db` runs its queries on: the database, or a transaction of it.
 * Stores built over a transaction take part in it (see storage.ts).
 */
export type Db = Kysely<Database> | Transaction<Database>;
