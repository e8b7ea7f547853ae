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

      await migrateAround('structured_reasons', false);
      expect(await reasons()).toEqual([english.map((list) => list.filter((line) => !line.startsWith('something'))), []]);

      // Up again, through every later migration: what the ledger reads back is the core's Reason.
      await migrateToLatest(t.db);
      const [loaded] = await t.storage.ledger.load([delivery!.id]);
      expect(loaded?.reasons).toEqual(structured);
    } finally {
      await migrateToLatest(t.db);
    }
  });
});

describe.each(engines)('digest periods migration on %s', (engine) => {
  const t = useTestDb(engine);

  it('gives every stored delivery its local date as its period, keys the ledger by period, and keeps a weekly day only for weekly subscriptions', async () => {
    const migrator = new Migrator({ db: t.db, provider: new MigrationFolderProvider() });
    const names = (await migrator.getMigrations()).map((m) => m.name);
    const index = names.findIndex((name) => name.endsWith('_digest_periods'));
    expect(index).toBeGreaterThan(0);
    try {
      const { error } = await migrator.migrateTo(names[index - 1]!);
      if (error) throw error;
      const {
        rows: [subscription],
      } = await sql<{ id: number }>`
        with r as (insert into recipients (platform, external_id, kind) values ('test', 'ann', 'user') returning id)
        insert into subscriptions (recipient_id, send_time, timezone) select id, '09:00', 'UTC' from r returning id`.execute(t.db);
      await sql`insert into deliveries (subscription_id, local_date, status) values
        (${subscription!.id}, '2026-11-27', 'sent'), (${subscription!.id}, '2026-11-28', 'empty')`.execute(t.db);

      await migrateToLatest(t.db);
      const rows = await t.db.selectFrom('deliveries').select(['local_date', 'period', 'cadence']).orderBy('local_date').execute();
      expect(rows).toEqual([
        { local_date: '2026-11-27', period: '2026-11-27', cadence: 'daily' },
        { local_date: '2026-11-28', period: '2026-11-28', cadence: 'daily' },
      ]);
      expect(await t.db.selectFrom('subscriptions').select(['cadence', 'weekly_day']).execute()).toEqual([{ cadence: 'daily', weekly_day: null }]);
      // One row per (subscription, period): a weekly digest of the week of 2026-11-23 after the daily one of that Monday is refused.
      await sql`insert into deliveries (subscription_id, local_date, period, cadence, status) values (${subscription!.id}, '2026-11-23', '2026-11-23', 'daily', 'sent')`.execute(
        t.db,
      );
      await expect(
        sql`insert into deliveries (subscription_id, local_date, period, cadence, status) values (${subscription!.id}, '2026-11-26', '2026-11-23', 'weekly', 'sent')`.execute(
          t.db,
        ),
      ).rejects.toThrow(/deliveries_subscription_period_key/);
      await expect(sql`update subscriptions set cadence = 'weekly'`.execute(t.db)).rejects.toThrow(/subscriptions_cadence_day_check/);
      await expect(sql`update subscriptions set weekly_day = 3`.execute(t.db)).rejects.toThrow(/subscriptions_cadence_day_check/);
      await sql`update subscriptions set cadence = 'weekly', weekly_day = 3`.execute(t.db);

      // And back: the key is (subscription, local date) again.
      await sql`delete from deliveries where cadence = 'weekly'`.execute(t.db);
      const { error: down } = await migrator.migrateTo(names[index - 1]!);
      if (down) throw down;
      await expect(
        sql`insert into deliveries (subscription_id, local_date, status) values (${subscription!.id}, '2026-11-27', 'sent')`.execute(t.db),
      ).rejects.toThrow(/deliveries_subscription_local_date_key/);
    } finally {
      await migrateToLatest(t.db);
    }
  });
});
