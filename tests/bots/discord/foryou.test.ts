import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../src/bots/discord/commands.ts';
import { commandSpecs } from '../../../src/core/commands/index.ts';
import { useTestDb } from '../../support/db.ts';
import { APPLICATION_ID, GUILD_ID, useDiscordHarness } from '../../support/discord/harness.ts';
import { autocomplete, buttonsOf, click, focused, inDm, inGuild, int, MEMBER, MODERATOR, slash, str } from '../../support/discord/interactions.ts';
import { topicPapers } from '../../support/topic-papers.ts';

const ALICE = '2000000000000000021';
const CHANNEL = '3000000000000000021';
const EPHEMERAL = 64;

const titles = (data: any): string[] => data.embeds.slice(1).map((e: any) => e.title);

describe('/papers foryou and mute on Discord, end to end against the fake', () => {
  const t = useTestDb('pglite');
  const h = useDiscordHarness(t);

  it('generates foryou (a period menu and a page) and mute/unmute from the core specs', () => {
    const [papers] = commandDefinitions(commandSpecs);
    const sub = (name: string) => papers!.options!.find((o) => o.name === name) as any;
    expect(sub('foryou').options.map((o: any) => [o.name, o.type, o.choices?.map((c: any) => c.value)])).toEqual([
      ['period', 3, ['week', 'month']],
      ['page', 4, undefined],
    ]);
    expect(sub('mute').options.map((o: any) => [o.name, o.required])).toEqual([['topic', true]]);
    expect(sub('unmute').options[0]).toMatchObject({ name: 'topic', autocomplete: true });
  });

  it('shows a channel’s foryou publicly, with the 👍 paper each card is like, and pages it with ◀ ▶', async () => {
    await t.storage.papers.store(topicPapers);
    const here = inGuild(ALICE, CHANNEL, GUILD_ID);
    const empty = await h.fake.ask(slash(APPLICATION_ID, here, 'foryou'));
    expect(empty.data.flags).toBe(EPHEMERAL);
    expect(empty.data.embeds[0].description).toContain("I don't know what this channel likes yet.");

    // 👍 two papers (for the channel), then ask for the month.
    for (const id of ['2405.30001', '2405.30011']) await h.fake.ask(slash(APPLICATION_ID, here, 'vote', [str('id', id), str('vote', 'up')]));
    const ask = slash(APPLICATION_ID, here, 'foryou', [str('period', 'month')]);
    const first = await h.fake.ask(ask);
    expect(first.data.flags ?? 0).toBe(0);
    expect(first.data.embeds[0].title).toBe('For you: the last 30 days');
    expect(titles(first.data)).toHaveLength(5);
    const interpretability = first.data.embeds.find((e: any) => /Scaling monosemanticity/.test(e.title));
    expect(interpretability.description).toContain('✨ like *Sparse autoencoders find interpretable features in…* that you 👍');
    const next = buttonsOf(first.data).find((b) => b.label === 'Next ▶')!;
    expect(next.custom_id).toBe('pb:page next foryou {"period":"month","page":2}');
    const second = await h.fake.ask(click(APPLICATION_ID, here, next.custom_id!, h.fake.original(ask.token)));
    expect(second.type).toBe(7);
    expect(second.data.embeds[0].footer.text).toBe('Page 2');
    expect(titles(second.data)[0]).toMatch(/^6\. /);
    const direct = await h.fake.ask(slash(APPLICATION_ID, here, 'foryou', [str('period', 'month'), int('page', 2)]));
    expect(titles(direct.data)).toEqual(titles(second.data));
  });

  it('mutes for the channel only with Manage Channels, and autocompletes unmute from the mutes', async () => {
    await t.storage.papers.store(topicPapers);
    const member = inGuild(ALICE, CHANNEL, GUILD_ID, MEMBER);
    const moderator = inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR);
    const refused = await h.fake.ask(slash(APPLICATION_ID, member, 'mute', [str('topic', 'diffusion')]));
    expect(refused.data.flags).toBe(EPHEMERAL);
    expect(refused.data.embeds[0].description).toContain('Only members with the Manage Channels permission can change');
    const muted = await h.fake.ask(slash(APPLICATION_ID, moderator, 'mute', [str('topic', 'diffusion')]));
    expect(muted.data.embeds[0].description).toContain('Muted diffusion');
    const today = await h.fake.ask(slash(APPLICATION_ID, member, 'today'));
    expect(titles(today.data).some((title) => /diffusion/i.test(title))).toBe(false);
    const suggestions = await h.fake.ask(autocomplete(APPLICATION_ID, moderator, 'unmute', [focused('topic', 'dif')]));
    expect(suggestions.data.choices.map((c: any) => c.value)).toEqual(['diffusion']);
    // In a DM the mutes are the user's own: no permission needed, and the channel's stay.
    const own = await h.fake.ask(slash(APPLICATION_ID, inDm(ALICE), 'mute', [str('topic', 'qubits')]));
    expect(own.data.embeds[0].description).toContain('Muted qubits');
    const listed = await h.fake.ask(slash(APPLICATION_ID, member, 'follows'));
    expect(listed.data.embeds[0].description).toContain('• diffusion');
    expect(listed.data.embeds[0].description).not.toContain('qubits');
  });
});
