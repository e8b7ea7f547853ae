import type { BotCommand } from 'grammy/types';
import type { CommandSpec } from '../../core/commands/command.ts';
import { shorten } from './html.ts';

/** The umbrella command: `/papers today`, `/papers search …` (what the issue and the help call it). */
export const UMBRELLA_COMMANDS = ['papers', 'paperboy'] as const;

/** Telegram's rule for command names. */
const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;

/**
 * The command menu for `setMyCommands`, built from the core registry so new core commands
 * (subscribe, settings, …) appear without touching the adapter: every visible command by
 * its main name, then `/papers`. Aliases work when typed but stay out of the menu.
 */
export function commandMenu(specs: readonly CommandSpec[]): BotCommand[] {
  const menu: BotCommand[] = [];
  for (const spec of specs) {
    if (spec.hidden || !COMMAND_NAME.test(spec.name) || menu.some((c) => c.command === spec.name)) continue;
    const usage = spec.usage ? ` — ${spec.usage}` : '';
    menu.push({ command: spec.name, description: shorten(`${spec.summary}${usage}`, 256) });
  }
  menu.push({ command: 'papers', description: 'Every command as /papers <command>, e.g. /papers search grokking' });
  return menu;
}

/**
 * Every name a chat command can start with: the registry's names and aliases, the
 * umbrella commands and `/start`. In groups, commands outside this set (and not addressed
 * to this bot with @name) are left alone: they are probably for another bot.
 */
export function knownCommandNames(specs: readonly CommandSpec[]): Set<string> {
  const names = new Set<string>([...UMBRELLA_COMMANDS, 'start']);
  for (const spec of specs) for (const name of [spec.name, ...(spec.aliases ?? [])]) names.add(name.toLowerCase());
  return names;
}
