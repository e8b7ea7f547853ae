import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandDefinitions } from '../../../src/bots/discord/commands.ts';
import { sameCommands } from '../../../src/bots/discord/register.ts';
import { defineCommand } from '../../../src/core/commands/command.ts';
import { commandSpecs } from '../../../src/core/commands/index.ts';
import { expectDerivedFrom } from '../../support/discord/command-shape.ts';

describe('/papers definition', () => {
  const [papers] = commandDefinitions(commandSpecs);

  it('is one chat-input command with a subcommand per visible core command, options derived from the core', () => {
    expect(commandDefinitions(commandSpecs)).toHaveLength(1);
    expect(papers).toMatchObject({ name: 'papers', type: 1 });
    expectDerivedFrom(papers, commandSpecs);
    // vote is typed as well as clicked: a subcommand with its choices.
    const vote = papers!.options!.find((o) => o.name === 'vote') as any;
    expect(vote.options.map((o: any) => [o.name, o.required, o.choices?.map((c: any) => c.value)])).toEqual([
      ['id', true, undefined],
      ['vote', true, ['up', 'down', 'clear']],
    ]);
  });

  it('offers a command added to the core without any Discord change', () => {
    const extra = defineCommand({
      name: 'digest-preview',
      usage: '<count> [channel]',
      summary: `Preview the next digest. ${'Very long summary. '.repeat(10)}`,
      options: [
        { name: 'count', type: 'integer', description: 'How many papers.', required: true, min: 1, max: 10 },
        { name: 'style', type: 'string', description: 'How it looks.', choices: [{ name: 'Compact', value: 'compact' }], maxLength: 10 },
        { name: 'about', type: 'string', description: 'A topic.', complete: async () => [] },
        { name: 'where', type: 'target-channel', description: 'Preview it for this channel.' },
      ],
      answer: 'personal',
      fromText: () => ({}),
      args: z.object({}),
      run: async () => ({ title: 'x', cards: [], lines: [], actions: [], visibility: 'personal' }),
    });
    const specs = [...commandSpecs, extra];
    const [withExtra] = commandDefinitions(specs);
    expectDerivedFrom(withExtra, specs);
    const sub = withExtra!.options!.find((o) => o.name === 'digest-preview') as any;
    expect(sub.description).toMatch(/^Preview the next digest\. .*…$/);
    expect(sub.options.map((o: any) => [o.name, o.type])).toEqual([
      ['count', 4],
      ['style', 3],
      ['about', 3],
      ['where', 7],
    ]);
  });

  it('works in servers, the bot DM and private channels, for server and user installs', () => {
    expect(papers!.contexts).toEqual([0, 1, 2]);
    expect(papers!.integration_types).toEqual([0, 1]);
    // Left unset on purpose: it cannot be per subcommand; the run-time check gates subscribe.
    expect(papers!.default_member_permissions).toBeUndefined();
  });

  it('has the options the issue asks for, with autocomplete where it helps', () => {
    const sub = (name: string) => papers!.options!.find((o) => o.name === name) as any;
    const shape = (name: string) => (sub(name).options ?? []).map((o: any) => [o.name, o.type, o.required ?? false, o.autocomplete ?? false]);
    expect(shape('today')).toEqual([['date', 3, false, false]]);
    expect(shape('search')).toEqual([
      ['query', 3, true, false],
      ['page', 4, false, false],
    ]);
    expect(shape('paper')).toEqual([['id', 3, true, false]]);
    expect(shape('follow')).toEqual([['topic', 3, true, false]]);
    expect(shape('unfollow')).toEqual([['topic', 3, true, true]]);
    expect(shape('follows')).toEqual([]);
    expect(shape('subscribe')).toEqual([
      ['time', 3, false, false],
      ['timezone', 3, false, true],
      ['channel', 7, false, false],
    ]);
    expect(shape('unsubscribe')).toEqual([['channel', 7, false, false]]);
    expect(shape('help')).toEqual([]);
    expect(sub('subscribe').options[2].channel_types).toEqual([0, 5]);
  });
});

describe('sameCommands', () => {
  const wanted = commandDefinitions(commandSpecs);

  it('matches what Discord returns for the same commands (ids, defaults, dropped required:false)', () => {
    const stored = wanted.map((c) => ({
      id: '1',
      application_id: '2',
      version: '3',
      default_member_permissions: null,
      nsfw: false,
      dm_permission: true,
      ...c,
      options: c.options?.map((o: any) => ({ ...o, options: o.options?.map(({ required, ...rest }: any) => (required ? { required, ...rest } : rest)) })),
    }));
    expect(sameCommands(stored, wanted)).toBe(true);
  });

  it('notices a changed description, a new option, or an extra command', () => {
    const changed = structuredClone(wanted) as any[];
    changed[0].options[0].description = 'Something else';
    expect(sameCommands(changed, wanted)).toBe(false);
    const fewer = structuredClone(wanted) as any[];
    fewer[0].options.pop();
    expect(sameCommands(fewer, wanted)).toBe(false);
    expect(sameCommands([...wanted, { name: 'old', description: 'x', type: 1 }], wanted)).toBe(false);
    expect(sameCommands([], wanted)).toBe(false);
  });
});
