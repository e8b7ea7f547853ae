import { main } from '../../main.ts';
import type { CliCommand } from '../cli-command.ts';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run the bot: chat adapters, ingestion and daily picks (a terminal chat when no token is set)',
  usage: 'paperboy start',
  run: () => main(process.env),
};
