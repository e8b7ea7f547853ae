import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { engines, useTestDb } from '../support/db.ts';

describe.each(engines)('database schema on %s', (engine) => {
  const t = useTestDb(engine);

  it('is already at the latest migration, so running the migrator again changes nothing', async () => {
    const results = await migrateToLatest(t.db);
    expect(results).toEqual([]);
  });

  it('weights title matches above abstract matches in the generated search column', async () => {
    await t.db
      .insertInto('papers')
      .values([
        { id: '2401.00001', title: 'Grokking in small transformers', abstract: 'We study models.' },
        { id: '2401.00002', title: 'A study of models', abstract: 'Grokking appears late.' },
      ])
      .execute();
    const { rows } = await sql<{ id: string }>`
      select id from papers where search @@ websearch_to_tsquery('english', 'grokked')
      order by ts_rank(search, websearch_to_tsquery('english', 'grokked')) desc`.execute(t.db);
    expect(rows.map((row) => row.id)).toEqual(['2401.00001', '2401.00002']);
  });

  it('lists a paper under its Hugging Face day, else under its arXiv UTC date', async () => {
    await t.db
      .insertInto('papers')
      .values([
        { id: '2401.00001', title: 'a', featured_on: '2024-01-03', published_at: new Date('2024-01-01T23:30:00Z') },
        { id: '2401.00002', title: 'b', published_at: new Date('2024-01-01T23:30:00-05:00') },
      ])
      .execute();
    const rows = await t.db.selectFrom('papers').select(['id', 'listed_on']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: '2401.00001', listed_on: '2024-01-03' },
      { id: '2401.00002', listed_on: '2024-01-02' },
    ]);
  });
});
