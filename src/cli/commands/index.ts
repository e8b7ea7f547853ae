import type { CliCommand } from '../cli-command.ts';
import { askCommand } from './ask.ts';
import { chatCommand } from './chat.ts';
import { deliverCommand } from './deliver.ts';
import { importCommand } from './import.ts';
import { ingestCommand } from './ingest.ts';
import { migrateCommand } from './migrate.ts';
import { reindexCommand } from './reindex.ts';
import { startCommand } from './start.ts';
import { subscriptionsCommand } from './subscriptions.ts';

/** Every `paperboy` subcommand, in the order `paperboy help` lists them. */
export const commands: CliCommand[] = [
  startCommand,
  askCommand,
  chatCommand,
  ingestCommand,
  importCommand,
  migrateCommand,
  reindexCommand,
  deliverCommand,
  subscriptionsCommand,
];
