import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../support/db.ts';
import { makeGroup, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { buttonData, cardIds, useTelegramBot } from '../../support/telegram-harness.ts';
import { topicPapers } from '../../support/topic-papers.ts';

const alice = makeUser(1101, 'Alice');
const bob = makeUser(1102, 'Bob');

describe('foryou and mute on Telegram, end to end against the fake Bot API', () => {
  const t = useTestDb('pglite');
  const tg = useTelegramBot(t);

  it('offers them in the command menu', () => {
    expect(tg.fake.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['foryou', 'mute', 'unmute']));
  });

  it('asks for 👍 or follows first, then gives the month’s papers like the one 👍 with a button, naming it', async () => {
    await t.storage.papers.store(topicPapers);
    const chat = privateChat(alice);
    const empty = await tg.say(alice, chat, '/foryou');
    expect(empty.text).toContain("I don't know what you like yet.");
    expect(empty.text).toContain('follow diffusion models');

    const today = await tg.say(alice, chat, '/today');
    expect(cardIds(today)).toContain('2405.30004');
    const position = cardIds(today).indexOf('2405.30004') + 1;
    const answered = await tg.click(alice, today, buttonData(today, `${position} 👍`));
    expect(answered.payload.text).toContain('👍 Noted');

    const month = await tg.say(alice, chat, '/foryou month');
    expect(month.html).toMatch(/^<b>For you: the last 30 days<\/b>/);
    expect(cardIds(month)).toEqual(expect.arrayContaining(['2405.30001', '2405.30002', '2405.30003']));
    expect(cardIds(month)).not.toContain('2405.30004');
    expect(month.html).toContain('<i>↳ like “Automated circuit discovery with sparse feature circuits” that you 👍</i>');
  });

  it('mutes a topic out of /today, lists it with /follows, and unmutes it', async () => {
    await t.storage.papers.store(topicPapers);
    const chat = privateChat(bob);
    expect(cardIds(await tg.say(bob, chat, '/today'))).toContain('2405.30023');
    expect((await tg.say(bob, chat, '/mute diffusion')).html).toContain('✅');
    expect(cardIds(await tg.say(bob, chat, '/today'))).not.toContain('2405.30023');
    expect((await tg.say(bob, chat, '/follows')).text).toContain('• diffusion');
    expect((await tg.say(bob, chat, '/unmute diffusion')).html).toContain('✅');
    expect(cardIds(await tg.say(bob, chat, '/today'))).toContain('2405.30023');
  });

  it('lets only a group’s admins mute for the group', async () => {
    const group = makeGroup(-4101, 'Reading group');
    tg.fake.setMemberStatus(group.id, alice.id, 'administrator');
    const refused = await tg.say(bob, group, '/mute diffusion');
    expect(refused.html).toContain('❌');
    expect(refused.text).toContain('what it mutes');
    expect((await tg.say(alice, group, '/mute diffusion')).html).toContain('✅');
    expect((await tg.say(bob, group, '/follows')).text).toContain('• diffusion');
  });
});
