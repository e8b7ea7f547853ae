import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands as cliCommands } from '../../src/cli/commands/index.ts';
import { findCommand } from '../../src/core/commands/index.ts';
import { asUser, seedPapers, testCore } from '../support/core.ts';
import { useTestDb } from '../support/db.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the Markdown table under a `## heading`: each row's cells. */
function tableRows(heading: string): string[][] {
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** Inline code spans of a text: `today`, `search grokking` … */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}

/** Values for the placeholders the README's usage lines use. */
const PLACEHOLDERS: Record<string, string> = {
  'YYYY-MM-DD': '2024-05-24',
  page: '1',
  query: 'grokking',
  'id or link': '2405.15071',
  'arXiv id': '2405.15071',
  topic: 'grokking',
  'HH:MM': '08:00',
  timezone: 'Europe/Berlin',
  N: '3',
};

/**
 * A usage line as commands someone would type: `today [YYYY-MM-DD] [page]` → `today` and
 * `today 2024-05-24 1`; a bracket listing several settings (`[time …, days mon-fri]`) → one
 * command per listed setting.
 */
function examplesOf(usage: string): string[] {
  const fill = (text: string) => text.replace(/<([^>]+)>/g, (_, name: string) => PLACEHOLDERS[name] ?? name);
  const optional = [...usage.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1]!);
  const bare = fill(usage.replace(/\s*\[[^\]]+\]/g, '')).trim();
  const listed = optional.find((group) => group.includes(','));
  if (listed) {
    return [
      bare,
      ...listed.split(/,\s*/).map((part) =>
        `${bare} ${part
          .replace('…', part.startsWith('timezone') ? 'Europe/Berlin' : part.startsWith('time') ? '18:30' : '')
          .replace(/\bN\b/, '3')
          .replace('on/off', 'on')
          .replace('up|down|clear', 'up')}`.trim(),
      ),
    ];
  }
  const full = `${bare} ${optional.map((group) => fill(PLACEHOLDERS[group] ?? group.replace(/\|.*$/, ''))).join(' ')}`.trim();
  return full === bare ? [bare] : [bare, full];
}

/**
 * The chat commands the README shows people to type: the usage column of "What it does", and
 * every code span of the introduction and that section that starts with a command. (The
 * Discord section names slash-command options, `paper id`, which are not typed text.)
 */
function readmeChatCommands(): string[] {
  // A pipe inside a table cell is written `\|`; it reads as `|`.
  const fromTable = tableRows('What it does').flatMap(([usage = '']) => codeSpans(usage.replace(/\\\|/g, '|')).flatMap(examplesOf));
  const prose = readme.split(/^## (?!What it does)/m)[0]!.replace(/```[\s\S]*?```/g, '');
  const fromText = codeSpans(prose).filter((span) => {
    const [first = ''] = span.split(/\s+/);
    return /\s/.test(span) && !span.includes('<') && !span.includes('[') && findCommand(first.toLowerCase()) !== undefined;
  });
  return [...new Set([...fromTable, ...fromText])];
}

describe('the README', () => {
  const t = useTestDb('pglite');

  it('shows chat commands that all parse and answer without an error', async () => {
    await seedPapers(t.db);
    const core = testCore(t.db);
    const examples = readmeChatCommands();
    expect(examples.length).toBeGreaterThan(10);
    let n = 0;
    for (const example of examples) {
      const ctx = asUser(`readme-${n++}`);
      const [name = ''] = example.split(/\s+/);
      // What a reader would have done before: follow what they unfollow, mute what they unmute, subscribe before changing the digest.
      if (name === 'unfollow') await core.run(example.replace(/^unfollow/, 'follow'), ctx);
      if (name === 'unmute') await core.run(example.replace(/^unmute/, 'mute'), ctx);
      if (name === 'settings' || name === 'unsubscribe') await core.run('subscribe', ctx);
      const answer = await core.run(example, ctx);
      expect(answer.notice?.tone, `${example} → ${answer.notice?.text}`).not.toBe('error');
    }
  });

  it('names only CLI commands that exist', () => {
    const names = new Set(cliCommands.map((command) => command.name));
    const shown = tableRows('Command line').flatMap(([usage = '']) => codeSpans(usage).map((span) => span.split(/\s+/)[1] ?? ''));
    expect(shown.length).toBeGreaterThan(5);
    for (const name of shown) expect(names.has(name), `paperboy ${name}`).toBe(true);
  });
});
