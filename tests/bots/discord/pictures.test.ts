import { describe, expect, it } from 'vitest';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { APPLICATION_ID, GUILD_ID, useDiscordHarness } from '../../support/discord/harness.ts';
import { inGuild, slash, str } from '../../support/discord/interactions.ts';
import { validateMessage } from '../../support/fakes/discord-server.ts';
import { picturedPapers, thumbnailOf } from '../../support/pictured-papers.ts';
import { addSubscription, pass } from '../../support/schedule.ts';

const ALICE = '2000000000000000101';
const CHANNEL = '3000000000000000101';

const IDS = ['2405.31001', '2405.31002', '2405.31003'];
const papers = (pictured: (id: string) => boolean) => picturedPapers(IDS, pictured);

describe('Discord shows papers’ pictures', () => {
  const t = useTestDb('pglite');
  const h = useDiscordHarness(t);
  const here = inGuild(ALICE, CHANNEL, GUILD_ID);

  it('shows /papers paper with the paper’s thumbnail as its embed image', async () => {
    await seedPapers(
      t.db,
      papers(() => true),
    );
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'paper', [str('id', '2405.31002')]));
    expect(callback.data.embeds).toHaveLength(1);
    expect(callback.data.embeds[0]).toMatchObject({ url: 'https://huggingface.co/papers/2405.31002', image: { url: thumbnailOf('2405.31002') } });
    expect(validateMessage(callback.data)).toBeUndefined();
  });

  it('shows a paper without a thumbnail as text alone', async () => {
    await seedPapers(
      t.db,
      papers(() => false),
    );
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'paper', [str('id', '2405.31002')]));
    expect(callback.data.embeds[0].description).toContain('What the figure shows');
    expect(callback.data.embeds[0].image).toBeUndefined();
  });

  it('keeps lists compact: /papers today shows no pictures', async () => {
    await seedPapers(
      t.db,
      papers(() => true),
    );
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'today'));
    expect(callback.data.embeds).toHaveLength(4);
    expect(callback.data.embeds.filter((e: any) => e.image)).toEqual([]);
  });

  it('leads a delivered daily post with its first card’s picture, and only that one', async () => {
    await seedPapers(
      t.db,
      papers(() => true),
    );
    const channelId = '4000000000000000101';
    await addSubscription(t.db, { platform: 'discord', externalId: channelId, kind: 'channel', sendTime: '09:00', at: '2024-05-24T12:00:00Z' });
    const result = await pass(t.db, '2024-05-25T09:00:00Z', [h.bot.port]);
    expect(result.sent).toBe(1);
    const [post] = h.fake.posted.filter((p) => p.channelId === channelId);
    const embeds: any[] = post!.body.embeds;
    expect(embeds[0].title).toBe('Daily picks for 2024-05-25');
    expect(embeds.map((e) => e.url)).toEqual([
      undefined,
      'https://huggingface.co/papers/2405.31001',
      'https://huggingface.co/papers/2405.31002',
      'https://huggingface.co/papers/2405.31003',
    ]);
    expect(embeds.map((e) => e.image?.url)).toEqual([undefined, thumbnailOf('2405.31001'), undefined, undefined]);
  });

  it('posts the text alone when the first card has no picture, even if later ones have', async () => {
    await seedPapers(
      t.db,
      papers((id) => id !== '2405.31001'),
    );
    const channelId = '4000000000000000102';
    await addSubscription(t.db, { platform: 'discord', externalId: channelId, kind: 'channel', sendTime: '09:00', at: '2024-05-24T12:00:00Z' });
    expect((await pass(t.db, '2024-05-25T09:00:00Z', [h.bot.port])).sent).toBe(1);
    const [post] = h.fake.posted.filter((p) => p.channelId === channelId);
    expect(post!.body.embeds[1].url).toBe('https://huggingface.co/papers/2405.31001');
    expect(post!.body.embeds.filter((e: any) => e.image)).toEqual([]);
  });
});
