import { describe, expect, it } from 'vitest';
import { embedsLength } from '../../../src/bots/discord/render.ts';
import { asUser, seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { APPLICATION_ID, GUILD_ID, useDiscordHarness } from '../../support/discord/harness.ts';
import { autocomplete, buttonsOf, click, focused, inDm, inGuild, int, MODERATOR, slash, str } from '../../support/discord/interactions.ts';
import { validateMessage } from '../../support/fakes/discord-server.ts';

const ALICE = '2000000000000000001';
const BOB = '2000000000000000002';
const CHANNEL = '3000000000000000001';
const EPHEMERAL = 64;

const grokkingPapers = Array.from({ length: 7 }, (_, i) => ({
  id: `2405.200${String(i).padStart(2, '0')}`,
  title: `Grokking study number ${i}`,
  abstract: 'Delayed generalization in small transformers.',
  featuredOn: '2024-05-24',
  upvotes: 100 - i,
  source: 'hf' as const,
}));

describe('Discord interactions end to end', () => {
  const t = useTestDb('pglite');
  const h = useDiscordHarness(t);
  const here = inGuild(ALICE, CHANNEL, GUILD_ID);

  it('answers /papers today publicly with a header embed and one embed per paper', async () => {
    await seedPapers(t.db);
    const i = slash(APPLICATION_ID, here, 'today');
    const callback = await h.fake.ask(i);
    expect(callback.type).toBe(4);
    expect(callback.afterMs).toBeLessThan(3000);
    expect(callback.data.flags ?? 0).toBe(0);
    const titles = callback.data.embeds.map((e: any) => e.title);
    expect(titles).toEqual([
      'Papers for 2024-05-24',
      '1. HippoRAG: Neurobiologically Inspired Long-Term Memory for Large Language Models',
      '2. Stacking Your Transformers: A Closer Look at Model Growth for Efficient LLM Pre-Training',
      '3. Grokked Transformers are Implicit Reasoners: A Mechanistic Journey to the Edge of Generalization',
    ]);
    expect(callback.data.embeds[1].url).toBe('https://huggingface.co/papers/2405.14831');
    expect(callback.data.allowed_mentions).toEqual({ parse: [] });
    const buttons = buttonsOf(callback.data);
    expect(buttons.filter((b) => b.custom_id?.startsWith('pb:vote '))).toHaveLength(6);
    expect(buttons.find((b) => b.label === 'arXiv 1')).toMatchObject({ style: 5, url: 'https://arxiv.org/abs/2405.14831' });
    // Interaction callbacks carry no bot token (the interaction token is the credential).
    const request = h.fake.requests.find((r) => r.path === `/interactions/${i.id}/${i.token}/callback`);
    expect(request?.auth).toBeUndefined();
  });

  it('answers /papers today with a date and says which day it shows', async () => {
    await seedPapers(t.db);
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'today', [str('date', '2024-05-23')]));
    expect(callback.data.embeds[0].title).toBe('Papers for 2024-05-23');
    expect(callback.data.embeds[1].title).toBe('MoRA: High-Rank Updating for Parameter-Efficient Fine-Tuning');
  });

  it('shows /papers paper publicly as one embed with the abstract and link buttons', async () => {
    await seedPapers(t.db);
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'paper', [str('id', 'https://arxiv.org/abs/2405.15071v2')]));
    expect(callback.data.flags ?? 0).toBe(0);
    expect(callback.data.embeds).toHaveLength(1);
    expect(callback.data.embeds[0]).toMatchObject({
      title: 'Grokked Transformers are Implicit Reasoners: A Mechanistic Journey to the Edge of Generalization',
      url: 'https://huggingface.co/papers/2405.15071',
    });
    expect(callback.data.embeds[0].description).toContain('We study whether transformers can learn to implicitly reason');
    const buttons = buttonsOf(callback.data);
    expect(buttons.filter((b) => b.style === 5).map((b) => [b.label, b.url])).toEqual([
      ['🤗 Hugging Face', 'https://huggingface.co/papers/2405.15071'],
      ['arXiv', 'https://arxiv.org/abs/2405.15071'],
      ['PDF', 'https://arxiv.org/pdf/2405.15071'],
    ]);
    expect(buttons.some((b) => b.custom_id === 'pb:follow grokking')).toBe(true);
  });

  it('pages search results in place with ◀ ▶ for the person who asked', async () => {
    await seedPapers(t.db, grokkingPapers);
    const search = slash(APPLICATION_ID, here, 'search', [str('query', 'grokking')]);
    const first = await h.fake.ask(search);
    expect(first.type).toBe(4);
    expect(first.data.embeds.slice(1).map((e: any) => e.title)).toEqual([0, 1, 2, 3, 4].map((n) => `${n + 1}. Grokking study number ${n}`));
    const next = buttonsOf(first.data).find((b) => b.label === 'Next ▶')!;
    expect(next.custom_id).toBe('pb:page next search {"query":"grokking","page":2}');

    const clickNext = click(APPLICATION_ID, here, next.custom_id!, h.fake.original(search.token));
    const update = await h.fake.ask(clickNext);
    expect(update.type).toBe(7);
    expect(update.data.embeds.slice(1).map((e: any) => e.title)).toEqual(['6. Grokking study number 5', '7. Grokking study number 6']);
    expect(update.data.embeds[0].footer.text).toBe('Page 2');
    const back = buttonsOf(update.data).find((b) => b.label === '◀ Previous')!;
    expect(buttonsOf(update.data).some((b) => b.label === 'Next ▶')).toBe(false);

    const clickBack = click(APPLICATION_ID, here, back.custom_id!, h.fake.original(clickNext.token));
    const again = await h.fake.ask(clickBack);
    expect(again.type).toBe(7);
    expect(again.data.embeds[0].footer.text).toBe('Page 1');
  });

  it('shows another member the next page privately instead of changing the shared message', async () => {
    await seedPapers(t.db, grokkingPapers);
    const search = slash(APPLICATION_ID, here, 'search', [str('query', 'grokking')]);
    const first = await h.fake.ask(search);
    const next = buttonsOf(first.data).find((b) => b.label === 'Next ▶')!;
    const byBob = await h.fake.ask(click(APPLICATION_ID, inGuild(BOB, CHANNEL, GUILD_ID), next.custom_id!, h.fake.original(search.token)));
    expect(byBob.type).toBe(4);
    expect(byBob.data.flags).toBe(EPHEMERAL);
    expect(byBob.data.embeds[0].footer.text).toBe('Page 2');
  });

  it('answers More like this privately, leaving the list it came from, even for the person who asked', async () => {
    await seedPapers(t.db);
    const today = slash(APPLICATION_ID, here, 'today');
    const answer = await h.fake.ask(today);
    const grokked = answer.data.embeds.findIndex((e: any) => /Grokked Transformers/.test(e.title));
    const more = buttonsOf(answer.data).find((b) => b.label === `More like this ${grokked}`)!;
    expect(more.custom_id).toBe('pb:similar 2405.15071');
    const similar = await h.fake.ask(click(APPLICATION_ID, here, more.custom_id!, h.fake.original(today.token)));
    expect(similar.type).toBe(4);
    expect(similar.data.flags).toBe(EPHEMERAL);
    expect(similar.data.embeds[0].title).toMatch(/^Similar to Grokked Transformers are Implicit Reasoners/);
  });

  it('stores 👍 as the channel’s feedback and confirms privately', async () => {
    await seedPapers(t.db);
    const today = slash(APPLICATION_ID, here, 'today');
    const answer = await h.fake.ask(today);
    const up = buttonsOf(answer.data).find((b) => b.label === '👍 1')!;
    const confirmation = await h.fake.ask(click(APPLICATION_ID, here, up.custom_id!, h.fake.original(today.token)));
    expect(confirmation.type).toBe(4);
    expect(confirmation.data.flags).toBe(EPHEMERAL);
    expect(confirmation.data.embeds[0].description).toContain('👍 Noted: more papers like “HippoRAG');
    const rows = await t.db
      .selectFrom('feedback')
      .innerJoin('recipients', 'recipients.id', 'feedback.recipient_id')
      .select(['recipients.platform', 'recipients.external_id', 'recipients.kind', 'feedback.paper_id'])
      .execute();
    expect(rows).toEqual([{ platform: 'discord', external_id: CHANNEL, kind: 'channel', paper_id: '2405.14831' }]);
  });

  it('follows privately, lists follows, and autocompletes unfollow from them (at most 25)', async () => {
    const refused = await h.fake.ask(slash(APPLICATION_ID, here, 'follow', [str('topic', 'grokking')]));
    expect(refused.data.embeds[0].description).toContain('Only members with the Manage Channels permission can change what it follows');
    const moderator = inGuild(ALICE, CHANNEL, GUILD_ID, MODERATOR);
    const followed = await h.fake.ask(slash(APPLICATION_ID, moderator, 'follow', [str('topic', 'grokking')]));
    expect(followed.data.flags).toBe(EPHEMERAL);
    expect(followed.data.embeds[0].description).toContain('Now following grokking');
    const core = h.core;
    const channel = { recipient: { platform: 'discord', externalId: CHANNEL, kind: 'channel' as const }, mayManage: async () => true };
    // Up to the limit (25 in all); the extra ones are refused by the core.
    const categories = 'AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI'.split(' ');
    for (const category of categories) await core.execute('follow', { topic: `cat:cs.${category}` }, channel);

    const listed = await h.fake.ask(slash(APPLICATION_ID, here, 'follows'));
    expect(listed.data.flags).toBe(EPHEMERAL);
    expect(listed.data.embeds[0].description).toContain('This channel follows 25 of at most 25');

    const all = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'unfollow', [focused('topic', '')]));
    expect(all.type).toBe(8);
    expect(all.data.choices).toHaveLength(25);
    expect(all.data.choices[0]).toEqual({ name: 'grokking', value: 'grokking' });
    const some = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'unfollow', [focused('topic', 'grok')]));
    expect(some.data.choices).toEqual([{ name: 'grokking', value: 'grokking' }]);

    const unfollowed = await h.fake.ask(slash(APPLICATION_ID, moderator, 'unfollow', [str('topic', 'grokking')]));
    expect(unfollowed.data.embeds[0].description).toContain('Stopped following grokking');
  });

  it('keeps DM follows the user’s own, apart from the channel’s', async () => {
    const dm = inDm(ALICE);
    const followed = await h.fake.ask(slash(APPLICATION_ID, dm, 'follow', [str('topic', 'author:Yann LeCun')]));
    expect(followed.data.embeds[0].description).toContain('Now following author:Yann LeCun');
    const inDmList = await h.fake.ask(slash(APPLICATION_ID, dm, 'follows'));
    expect(inDmList.data.embeds[0].description).toContain('• author:Yann LeCun');
    const inChannel = await h.fake.ask(slash(APPLICATION_ID, here, 'follows'));
    expect(inChannel.data.embeds[0].description).toContain('This channel follows nothing yet');
    const own = await h.core.execute('follows', {}, asUser(ALICE, 'discord'));
    expect(own.lines).toEqual(['• author:Yann LeCun']);
  });

  it('autocompletes timezones for subscribe with at most 25 IANA names', async () => {
    const any = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'subscribe', [focused('timezone', '')]));
    expect(any.type).toBe(8);
    expect(any.data.choices).toHaveLength(25);
    const berlin = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'subscribe', [focused('timezone', 'berl')]));
    expect(berlin.data.choices[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    const newYork = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'subscribe', [focused('timezone', 'new york')]));
    expect(newYork.data.choices[0].value).toBe('America/New_York');
    const utc = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'subscribe', [focused('timezone', 'utc')]));
    expect(utc.data.choices[0].value).toBe('UTC');
    const none = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'subscribe', [focused('timezone', 'no such zone')]));
    expect(none.data.choices).toEqual([]);
    const settings = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'settings', [str('setting', 'timezone'), focused('value', 'berl')]));
    expect(settings.data.choices[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    const notATimezone = await h.fake.ask(autocomplete(APPLICATION_ID, here, 'settings', [str('setting', 'days'), focused('value', 'berl')]));
    expect(notATimezone.data.choices).toEqual([]);
  });

  it('tells the clicker when a button is not ours or has expired', async () => {
    const help = slash(APPLICATION_ID, here, 'help');
    await h.fake.ask(help);
    const message = h.fake.original(help.token);
    const foreign = await h.fake.ask(click(APPLICATION_ID, here, 'someone-else:button', message));
    expect(foreign.data.flags).toBe(EPHEMERAL);
    expect(foreign.data.embeds[0].title).toBe('Not mine');
    const expired = await h.fake.ask(click(APPLICATION_ID, here, 'pb:~AAAAAAAAAAAAAAAA', message));
    expect(expired.data.flags).toBe(EPHEMERAL);
    expect(expired.data.embeds[0].title).toBe('Button expired');
  });

  it('still runs buttons posted before actions were typed (plain command text)', async () => {
    await seedPapers(t.db, grokkingPapers);
    const search = slash(APPLICATION_ID, here, 'search', [str('query', 'grokking')]);
    await h.fake.ask(search);
    const update = await h.fake.ask(click(APPLICATION_ID, here, 'pb:search grokking 2', h.fake.original(search.token)));
    expect(update.type).toBe(7);
    expect(update.data.embeds[0].footer.text).toBe('Page 2');
  });

  it('answers mistakes with a private, friendly notice', async () => {
    const bad = await h.fake.ask(slash(APPLICATION_ID, here, 'paper', [str('id', 'not-an-id')]));
    expect(bad.type).toBe(4);
    expect(bad.data.flags).toBe(EPHEMERAL);
    expect(bad.data.embeds[0].title).toBe('Not quite');
    expect(bad.data.embeds[0].description).toContain('is not an arXiv id');
    const help = await h.fake.ask(slash(APPLICATION_ID, inDm(BOB), 'help'));
    expect(help.data.flags).toBe(EPHEMERAL);
    expect(help.data.embeds[0].description).toContain('search <query> [page]');
  });

  it('trims a result whose text would pass 6000 characters instead of getting a 400', async () => {
    const long = 'Mechanistic interpretability of grokking '.repeat(60);
    await seedPapers(
      t.db,
      Array.from({ length: 5 }, (_, i) => ({
        id: `2405.300${i}0`,
        title: `Grokking ${i} ${long}`,
        abstract: long,
        aiSummary: long,
        authors: Array.from({ length: 50 }, (_, j) => `Researcher Number ${j} Of A Very Large Collaboration`),
        featuredOn: '2024-05-24',
        upvotes: 10 + i,
        source: 'hf' as const,
      })),
    );
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'search', [str('query', 'grokking')]));
    expect(callback.type).toBe(4);
    const raw = 5 * (long.length * 3);
    expect(raw).toBeGreaterThan(6000);
    expect(embedsLength(callback.data.embeds)).toBeLessThanOrEqual(6000);
    expect(callback.data.embeds.length).toBeLessThanOrEqual(10);
    expect(validateMessage(callback.data)).toBeUndefined();
    expect(h.fake.requests.filter((r) => r.status === 400)).toEqual([]);
  });

  it('turns a page button too long for custom_id into a stored token that still works', async () => {
    const query = `grokking ${'-nothing '.repeat(12)}`.trim();
    await seedPapers(t.db, grokkingPapers);
    const search = slash(APPLICATION_ID, here, 'search', [str('query', query)]);
    const first = await h.fake.ask(search);
    const next = buttonsOf(first.data).find((b) => b.label === 'Next ▶')!;
    expect(`pb:page next search ${JSON.stringify({ query, page: 2 })}`.length).toBeGreaterThan(100);
    expect(next.custom_id).toMatch(/^pb:~[\w-]{16}$/);
    const update = await h.fake.ask(click(APPLICATION_ID, here, next.custom_id!, h.fake.original(search.token)));
    expect(update.type).toBe(7);
    expect(update.data.embeds[0].footer.text).toBe('Page 2');
  });

  it('asks for page 2 directly with the page option', async () => {
    await seedPapers(t.db, grokkingPapers);
    const callback = await h.fake.ask(slash(APPLICATION_ID, here, 'search', [str('query', 'grokking'), int('page', 2)]));
    expect(callback.data.embeds.slice(1).map((e: any) => e.title)).toEqual(['6. Grokking study number 5', '7. Grokking study number 6']);
  });
});
