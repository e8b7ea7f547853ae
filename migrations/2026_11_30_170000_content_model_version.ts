import type { Kysely } from 'kysely';

// Frozen in time: this migration uses Kysely<any>, never the app's Database type.
//
// content_stats.model: the version of the content model's weighting that the stored vectors
// were built with (src/db/content-model.ts, CONTENT_MODEL.version), written by a full reindex
// and by the first paper indexed into an empty library. Null: built before versions were
// recorded, by the first model (sublinear tf, title ×3). Vectors of another version than the
// code's still compare (every version gives L2-normalised TF-IDF over the same terms), with the
// older quality, until `paperboy reindex` rebuilds them all.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('content_stats').addColumn('model', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('content_stats').dropColumn('model').execute();
}
