import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Answer } from '../../../src/core/answer.ts';
import { type CommandContext, defineCommand } from '../../../src/core/commands/command.ts';
import type { Core } from '../../../src/core/core.ts';
import { useTestDb } from '../../support/db.ts';
import { expectDerivedFrom } from '../../support/discord/command-shape.ts';
import { APPLICATION_ID, GUILD_ID, useDiscordHarness } from '../../support/discord/harness.ts';
import { autocomplete, channelOption, focused, inGuild, int, MODERATOR, slash, str } from '../../support/discord/interactions.ts';

const ALICE = '2000000000000000051';
const CHANNEL = '3000000000000000051';
const OTHER = '3000000000000000052';
const EPHEMERAL = 64;

/** A command the Discord adapter has never heard of, with one option of each kind. */
const digestPreview = defineCommand({
  name: 'preview',
  usage: '<count> [style] [channel]',
  summary: 'Preview the next daily post.',
  options: [
    { name: 'count', type: 'integer', description: 'How many papers.', required: true, min: 1, max: 10 },
    {
      name: 'style',
      type: 'string',
      description: 'How it looks.',
      choices: [
        { name: 'Compact', value: 'compact' },
        { name: 'Full', value: 'full' },
      ],
    },
    { name: 'channel', type: 'target-channel', description: 'Preview it for this channel.' },
  ],
  answer: 'public',
  fromText: () => ({}),
  args: z.object({ count: z.number(), style: z.string().optional() }),
  run: async () => ({ title: 'unused', cards: [], lines: [], actions: [], visibility: 'public' }),
});

/** A button-only command: kept out of the menus, so a slash command naming it is unknown. */
const buttonOnly = defineCommand({
  name: 'button-only',
  usage: '',
  summary: 'Only a button runs this.',
  hidden: true,
  options: [],
  answer: 'personal',
  fromText: () => ({}),
  args: z.object({}),
  run: async () => ({ title: 'unused', cards: [], lines: [], actions: [], visibility: 'personal' }),
});

interface Recorded {
  completes: { command: string; option: string; typed: string; ctx: CommandContext; args: Record<string, unknown> | undefined }[];
  executes: { name: string; args: unknown; ctx: CommandContext }[];
}

/**
 * The real core over the test database, plus one extra command, recording what the adapter
 * asks of it. The extra command answers with what it was given.
 */
function recordingCore(real: Core, recorded: Recorded): Core {
  return {
    ...real,
    commands: [...real.commands, digestPreview, buttonOnly],
    async complete(command, option, typed, ctx, args) {
      recorded.completes.push({ command, option, typed, ctx, args });
      return real.complete(command, option, typed, ctx, args);
    },
    async execute(name, args, ctx) {
      recorded.executes.push({ name, args, ctx });
      if (name !== digestPreview.name) return real.execute(name, args, ctx);
      const answer: Answer = {
        title: `Preview for ${ctx.recipient.externalId}`,
        cards: [],
        lines: [JSON.stringify(args)],
        actions: [],
        visibility: 'public',
      };
      return answer;
    },
  };
}

describe('Discord surface derived from the core', () => {
  const t = useTestDb('pglite');
  const recorded: Recorded = { completes: [], executes: [] };
  const h = useDiscordHarness(t, { wrapCore: (real) => recordingCore(real, recorded) });
  const here = inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR);

  it('registers one subcommand per visible core command, with the options each declares', () => {
    const registered = h.fake.commands.get('global')!;
    expect(registered.map((c) => c.name)).toEqual(['papers']);
    expectDerivedFrom(registered[0], h.core.commands);
    expect(registered[0].options.map((o: any) => o.name)).toContain('preview');
  });

  it('runs a command it was never told about, with its options as arguments and the answer kind the core declares', async () => {
    const there = channelOption(OTHER, MODERATOR);
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'preview', [int('count', 3), str('style', 'compact'), there.option], there.resolved));
    expect(callback.type).toBe(4);
    expect(callback.data.flags ?? 0).toBe(0);
    expect(callback.data.embeds[0].title).toBe(`Preview for ${OTHER}`);
    const call = recorded.executes.at(-1)!;
    expect(call).toMatchObject({ name: 'preview', args: { count: 3, style: 'compact' }, ctx: { recipient: { externalId: OTHER, kind: 'channel' } } });
    expect(await call.ctx.mayManage()).toBe(true);

    await h.fake.ask(slash(APPLICATION_ID, here, 'preview', [int('count', 1)]));
    expect(recorded.executes.at(-1)).toMatchObject({ name: 'preview', args: { count: 1 }, ctx: { recipient: { externalId: CHANNEL } } });
  });

  it('answers an unknown or hidden subcommand with a notice instead of running it', async () => {
    const before = recorded.executes.length;
    for (const sub of ['nonsense', buttonOnly.name]) {
      const callback = await h.fake.ask(slash(APPLICATION_ID, here, sub));
      expect(callback.data.flags).toBe(EPHEMERAL);
      expect(callback.data.embeds[0].title).toBe('Unknown command');
    }
    expect(recorded.executes).toHaveLength(before);
  });

  it('asks the core for unfollow topics, as the channel, and offers what it suggests', async () => {
    await h.core.execute(
      'follow',
      { topic: 'grokking' },
      { recipient: { platform: 'discord', externalId: CHANNEL, kind: 'channel' }, mayManage: async () => true },
    );
    const callback = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'unfollow', [focused('topic', 'gro')]));
    expect(callback.type).toBe(8);
    expect(callback.data.choices).toEqual([{ name: 'grokking', value: 'grokking' }]);
    expect(recorded.completes.at(-1)).toMatchObject({
      command: 'unfollow',
      option: 'topic',
      typed: 'gro',
      args: {},
      ctx: { recipient: { platform: 'discord', externalId: CHANNEL, kind: 'channel' } },
    });
  });

  it('asks the core for subscribe timezones, with the other options filled in so far', async () => {
    const callback = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'subscribe', [str('time', '08:30'), focused('timezone', 'berl')]));
    expect(callback.data.choices[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    expect(recorded.completes.at(-1)).toMatchObject({ command: 'subscribe', option: 'timezone', typed: 'berl', args: { time: '08:30' } });
    const suggested = await h.core.complete('subscribe', 'timezone', 'berl', recorded.completes.at(-1)!.ctx);
    expect(callback.data.choices.map((c: any) => c.value)).toEqual(suggested);
  });
});
