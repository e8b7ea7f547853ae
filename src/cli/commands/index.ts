import type { CliCommand } from '../cli-command.ts';
import { migrateCommand } from './migrate.ts';

/** Every `paperboy` subcommand, in the order `paperboy help` lists them. */
export const commands: CliCommand[] = [migrateCommand];
