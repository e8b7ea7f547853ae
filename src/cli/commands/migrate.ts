import { migrateToLatest } from '../../db/migrate.ts';
import type { CliCommand } from '../cli-command.ts';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'bring the database schema up to date',
  usage: 'paperboy migrate',
  async run(_argv, runtime) {
    const handle = await runtime.openDb({ migrate: false });
    const results = await migrateToLatest(handle.db);
    runtime.stdout.write(
      results.length === 0
        ? `Schema is up to date (${handle.engine}, ${handle.location}).\n`
        : results.map((r) => `${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}\n`).join(''),
    );
    return 0;
  },
};
