import type { CommandSpec } from './command.ts';
import { followCommand, followsCommand, unfollowCommand } from './follows.ts';
import { helpCommand } from './help.ts';
import { paperCommand } from './paper.ts';
import { searchCommand } from './search.ts';
import { settingsCommand, subscribeCommand, unsubscribeCommand } from './subscribe.ts';
import { todayCommand } from './today.ts';
import { voteCommand } from './vote.ts';

/** Every chat command, in the order help lists them. */
export const commandSpecs: readonly CommandSpec[] = [
  todayCommand,
  searchCommand,
  paperCommand,
  followCommand,
  unfollowCommand,
  followsCommand,
  subscribeCommand,
  unsubscribeCommand,
  settingsCommand,
  voteCommand,
  helpCommand(() => commandSpecs),
];
