import type { CommandCall } from '../answer.ts';
import type { CommandSpec } from './command.ts';
import { followCommand, followsCommand, unfollowCommand } from './follows.ts';
import { forYouCommand } from './foryou.ts';
import { helpCommand } from './help.ts';
import { muteCommand, unmuteCommand } from './mutes.ts';
import { paperCommand } from './paper.ts';
import { searchCommand } from './search.ts';
import { similarCommand } from './similar.ts';
import { settingsCommand, subscribeCommand, unsubscribeCommand } from './subscribe.ts';
import { splitCommandText } from './text.ts';
import { todayCommand } from './today.ts';
import { trendingCommand } from './trending.ts';
import { voteCommand } from './vote.ts';

/** Every chat command, in the order help lists them. A new command is added here and nowhere else. */
export const commandSpecs: readonly CommandSpec[] = [
  todayCommand,
  trendingCommand,
  forYouCommand,
  searchCommand,
  paperCommand,
  similarCommand,
  followCommand,
  unfollowCommand,
  followsCommand,
  muteCommand,
  unmuteCommand,
  subscribeCommand,
  unsubscribeCommand,
  settingsCommand,
  voteCommand,
  helpCommand(() => commandSpecs),
];

const byName = new Map<string, CommandSpec>();
for (const spec of commandSpecs) for (const name of [spec.name, ...(spec.aliases ?? [])]) byName.set(name, spec);

/** The command a name or alias runs (lower-case), if any. */
export function findCommand(name: string): CommandSpec | undefined {
  return byName.get(name);
}

/** Command text as typed (`search grokking 2`) as a call of its command; undefined when it names none. */
export function parseCommandCall(text: string): CommandCall | undefined {
  const { name, rest } = splitCommandText(text);
  const spec = byName.get(name);
  const args = spec?.fromText(rest);
  return spec && typeof args === 'object' && args !== null ? { command: spec.name, args: args as Record<string, unknown> } : undefined;
}
