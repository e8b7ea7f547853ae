import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MigrationFolderProvider, migrateToLatest } from '../../src/db/migrate.ts';
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

describe.each(engines)('structured reasons migration on %s', (engine) => {
  const t = useTestDb(engine);

  /** Migrates to just before (or, with `through`, including) the migration named `*_${suffix}`. */
  async function migrateAround(suffix: string, through: boolean): Promise<void> {
    const migrator = new Migrator({ db: t.db, provider: new MigrationFolderProvider() });
    const names = (await migrator.getMigrations()).map((m) => m.name);
    const index = names.findIndex((name) => name.endsWith(`_${suffix}`));
    expect(index).toBeGreaterThan(0);
    const { error } = await migrator.migrateTo(names[through ? index : index - 1]!);
    if (error) throw error;
  }

  it('turns the English reasons of stored deliveries into structured ones, and back', async () => {
    const english = [
      ['matches your follow: grokking', 'matches your follow: author:Neel Nanda', 'similar to papers you liked'],
      ['top paper of the day'],
      ['top paper of 2026-11-26', 'something no writer ever wrote'],
      [],
    ];
    const structured = [
      [{ kind: 'follow', follow: 'grokking' }, { kind: 'follow', follow: 'author:Neel Nanda' }, { kind: 'liked' }],
      [{ kind: 'top', day: null }],
      [{ kind: 'top', day: '2026-11-26' }],
      [],
    ];
    try {
      await migrateAround('structured_reasons', false);
      const {
        rows: [recipient],
      } = await sql<{ id: number }>`
        insert into recipients (platform, external_id, kind) values ('test', 'ann', 'user') returning id`.execute(t.db);
      const {
        rows: [subscription],
      } = await sql<{ id: number }>`
        insert into subscriptions (recipient_id, send_time, timezone) values (${recipient!.id}, '09:00', 'UTC') returning id`.execute(t.db);
      const {
        rows: [delivery],
      } = await sql<{ id: number }>`
        insert into deliveries (subscription_id, local_date, status, paper_ids, reasons) values
          (${subscription!.id}, '2026-11-27', 'sent', '{a,b,c,d}', ${JSON.stringify(english)}::jsonb),
          (${subscription!.id}, '2026-11-28', 'empty', '{}', '[]'::jsonb)
        returning id`.execute(t.db);
      const reasons = async () =>
        (await sql<{ reasons: unknown }>`select reasons from deliveries order by local_date`.execute(t.db)).rows.map((row) => row.reasons);

      await migrateAround('structured_reasons', true);
      expect(await reasons()).toEqual([structured, []]);
      // What the ledger reads back is the core's Reason.
      const [loaded] = await t.storage.ledger.load([delivery!.id]);
      expect(loaded?.reasons).toEqual(structured);

      await migrateAround('structured_reasons', false);
      expect(await reasons()).toEqual([english.map((list) => list.filter((line) => !line.startsWith('something'))), []]);
    } finally {
      await migrateToLatest(t.db);
    }
  });
});
