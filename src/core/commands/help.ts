import { z } from 'zod';
import type { Answer } from '../answer.ts';
import type { CommandSpec } from './command.ts';
import { defineCommand } from './command.ts';

/** `help`: every visible command with its usage. Built from the registry, so it never goes stale. */
export function helpCommand(registry: () => readonly CommandSpec[]) {
  return defineCommand({
    name: 'help',
    aliases: ['start', 'commands', '?'],
    usage: '',
    summary: 'Show this help.',
    options: [],
    answer: 'personal',
    fromText: () => ({}),
    args: z.object({}),
    async run(): Promise<Answer> {
      const visible = registry().filter((c) => !c.hidden);
      return {
        title: 'paperboy: research papers, delivered',
        cards: [],
        lines: [
          ...visible.map((c) => `${[c.name, c.usage].filter(Boolean).join(' ')} — ${c.summary}`),
          'Follows take a topic (grokking), an author (author:Yann LeCun) or an arXiv category (cat:cs.LG).',
        ],
        actions: [],
        visibility: 'personal',
      };
    },
  });
}
