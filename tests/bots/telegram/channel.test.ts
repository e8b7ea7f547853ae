import { describe, expect, it, vi } from 'vitest';
import { messageThrottler } from '../../../src/bots/telegram/api-plugins.ts';
import { type BotMembership, reachabilityOf } from '../../../src/bots/telegram/membership.ts';
import { ALLOWED_UPDATES } from '../../../src/bots/telegram/start.ts';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { makeChannel, makeSupergroup, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { addPapers, ledger, paper, pass } from '../../support/schedule.ts';
import { useTelegramBot } from '../../support/telegram-harness.ts';

/**
 * A Telegram broadcast channel end to end: grammY against the fake Bot API, the bot's
 * membership changes as my_chat_member updates, commands as channel posts, digests through the
 * delivery pass with the real Telegram port. Chat commands run on the harness's clock
 * (2024-05-24 12:00 UTC); passes run at chosen instants.
 */
describe('a Telegram channel the bot is an administrator of', () => {
  const t = useTestDb('pglite');
  const h = useTelegramBot(t);
  const admin = makeUser(801, 'Admin');
  const POSTER = { status: 'administrator', can_post_messages: true, can_delete_messages: true } as const;

  /** The channel's (or chat's) subscription as stored, if any. */
  async function subscriptionOf(externalId: number) {
    return t.db
      .selectFrom('subscriptions')
      .innerJoin('recipients', 'recipients.id', 'subscriptions.recipient_id')
      .select(['subscriptions.status', 'subscriptions.paused_reason', 'subscriptions.papers_per_post'])
      .where('recipients.external_id', '=', String(externalId))
      .executeTakeFirst();
  }

  /** Lets the bot take the my_chat_member update (it calls nothing back), then checks. */
  const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 5000, interval: 25 });

  it('asks Telegram for channel posts and membership changes', () => {
    expect(ALLOWED_UPDATES).toEqual(expect.arrayContaining(['message', 'callback_query', 'channel_post', 'my_chat_member']));
  });

  it('is added, takes its commands as channel posts, posts one digest per local day, pauses when removed and resumes when re-added', async () => {
    await seedPapers(t.db);
    const channel = makeChannel(-1001000000001, 'Grokking daily');
    h.fake.setBotMembership(channel, POSTER, admin);
    await eventually(async () => {
      expect(await t.db.selectFrom('recipients').select(['platform', 'external_id', 'kind']).execute()).toEqual([
        { platform: 'telegram', external_id: String(channel.id), kind: 'channel' },
      ]);
    });

    // Commands posted in the channel belong to the channel; each command post is deleted once answered.
    const followed = await h.post(channel, '/papers follow grokking');
    expect(followed.answer.text).toContain('Now following grokking');
    await h.fake.waitForCall('deleteMessage', { where: (c) => Number(c.payload.chat_id) === channel.id && c.payload.message_id === followed.post.message_id });
    const subscribed = await h.post(channel, '/subscribe 09:00 Europe/Berlin');
    expect(subscribed.answer.text).toContain("Subscribed: I'll post the best new papers for this channel at 09:00 (Europe/Berlin).");
    expect((await h.post(channel, '/papers follows')).answer.text).toContain('grokking');
    expect((await h.post(channel, '/settings papers 2')).answer.text).toContain('Settings saved.');
    expect(await subscriptionOf(channel.id)).toEqual({ status: 'active', paused_reason: null, papers_per_post: 2 });
    await vi.waitFor(() => expect(h.fake.callsOf('deleteMessage', { chatId: channel.id })).toHaveLength(4));
    // The answers stay.
    expect(h.fake.botMessages(channel.id)).toHaveLength(4);

    // 09:00 in Berlin is 07:00 UTC: one post on 2024-05-25, however many passes run that day.
    const digests = () => h.fake.callsOf('sendMessage', { chatId: channel.id }).filter((c) => String(c.payload.text).includes('Daily picks for'));
    for (const at of ['2024-05-25T06:59:00Z', '2024-05-25T07:00:00Z', '2024-05-25T07:01:00Z', '2024-05-25T21:00:00Z']) await pass(t.db, at, [h.service.port]);
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.payload.text).toContain('Daily picks for 2024-05-25');
    expect(digests()[0]!.payload.text).toContain('matches your follow: grokking');

    // Removed from the channel: paused at once, and the next day nothing is even attempted.
    h.fake.setBotMembership(channel, { status: 'left' }, admin);
    await eventually(async () =>
      expect(await subscriptionOf(channel.id)).toMatchObject({ status: 'paused', paused_reason: 'the bot was removed from this channel' }),
    );
    const attempts = h.fake.callsOf('sendMessage', { chatId: channel.id, all: true }).length;
    await pass(t.db, '2024-05-26T07:00:00Z', [h.service.port]);
    expect(h.fake.callsOf('sendMessage', { chatId: channel.id, all: true })).toHaveLength(attempts);

    // Added back with the right to post: resumed, and the next day's digest goes out, once.
    h.fake.setBotMembership(channel, POSTER, admin);
    await eventually(async () => expect(await subscriptionOf(channel.id)).toMatchObject({ status: 'active', paused_reason: null }));
    await addPapers(t.db, [paper('2405.99001', '2024-05-27', { title: 'Grokking, once more', upvotes: 9 })]);
    for (const at of ['2024-05-27T07:00:00Z', '2024-05-27T07:30:00Z']) await pass(t.db, at, [h.service.port]);
    expect(digests()).toHaveLength(2);
    expect(digests()[1]!.payload.text).toContain('Grokking, once more');
    expect((await ledger(t.db)).map((row) => [row.local_date, row.status])).toEqual([
      ['2024-05-25', 'sent'],
      ['2024-05-27', 'sent'],
    ]);
  });

  it('refuses a command signed by another chat (a linked discussion group), and ignores posts that are not commands', async () => {
    const channel = makeChannel(-1001000000002, 'Papers');
    const linked = makeSupergroup(-1001000000099, 'Papers chat');
    h.fake.setBotMembership(channel, POSTER, admin);
    h.fake.channelPost(channel, 'Good morning, readers: today is about grokking.');
    const refused = await h.post(channel, '/subscribe 09:00', { senderChat: linked });
    expect(refused.answer.text).toContain('Only the channel’s admins can change');
    expect(await subscriptionOf(channel.id)).toBeUndefined();
    // The plain post got no answer: the one answer is the refusal.
    expect(h.fake.botMessages(channel.id)).toHaveLength(1);
  });

  it('keeps the command post when the bot may post but not delete messages', async () => {
    const channel = makeChannel(-1001000000003, 'Papers');
    h.fake.setBotMembership(channel, { status: 'administrator', can_post_messages: true, can_delete_messages: false }, admin);
    const mark = h.fake.calls.length;
    const { answer } = await h.post(channel, '/papers follows');
    expect(answer.text).toContain('nothing yet');
    // It asked about its rights, and left the post.
    await h.fake.waitForCall('getChatMember', { after: mark, where: (c) => Number(c.payload.user_id) === h.fake.me.id });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.fake.callsOf('deleteMessage', { all: true })).toEqual([]);
  });

  it('pauses when demoted (no Post messages right), and a private chat when its user blocks the bot, until unblocked', async () => {
    const channel = makeChannel(-1001000000004, 'Papers');
    h.fake.setBotMembership(channel, POSTER, admin);
    await h.post(channel, '/subscribe 08:00 UTC');
    h.fake.setBotMembership(channel, { status: 'administrator', can_post_messages: false }, admin);
    await eventually(async () =>
      expect(await subscriptionOf(channel.id)).toMatchObject({ status: 'paused', paused_reason: expect.stringContaining('Post messages') }),
    );

    const alice = makeUser(802, 'Alice');
    expect((await h.say(alice, privateChat(alice), '/subscribe 08:00 UTC')).text).toContain('Subscribed');
    h.fake.setBotMembership(privateChat(alice), { status: 'kicked' }, alice);
    await eventually(async () => expect(await subscriptionOf(alice.id)).toMatchObject({ status: 'paused', paused_reason: 'the user blocked the bot' }));
    h.fake.setBotMembership(privateChat(alice), { status: 'member' }, alice);
    await eventually(async () => expect(await subscriptionOf(alice.id)).toMatchObject({ status: 'active', paused_reason: null }));
    // The channel stays paused: only its own membership changes it.
    expect(await subscriptionOf(channel.id)).toMatchObject({ status: 'paused' });
  });

  it('a channel whose post right was taken away while no update arrived is paused by its next digest (400 need administrator rights)', async () => {
    await seedPapers(t.db);
    const channel = makeChannel(-1001000000005, 'Papers');
    h.fake.setBotMembership(channel, POSTER, admin);
    await h.post(channel, '/subscribe 08:00 UTC');
    h.fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: need administrator rights in the channel chat' });
    await pass(t.db, '2024-05-25T08:00:00Z', [h.service.port]);
    expect(await subscriptionOf(channel.id)).toMatchObject({ status: 'paused', paused_reason: 'Bad Request: need administrator rights in the channel chat' });
  });
});

describe('what a change of the bot’s membership means for posting', () => {
  const change = (type: 'private' | 'group' | 'supergroup' | 'channel', member: BotMembership['new_chat_member']) =>
    reachabilityOf({ chat: { id: -1, type }, new_chat_member: member });

  it('in a channel: reachable only as an administrator that may post', () => {
    expect(change('channel', { status: 'administrator', can_post_messages: true })).toEqual({ reachable: true });
    expect(change('channel', { status: 'administrator', can_post_messages: false })).toMatchObject({ reachable: false });
    expect(change('channel', { status: 'administrator' })).toMatchObject({ reachable: false });
    expect(change('channel', { status: 'left' })).toEqual({ reachable: false, reason: 'the bot was removed from this channel' });
    expect(change('channel', { status: 'kicked' })).toMatchObject({ reachable: false });
    expect(change('channel', { status: 'member' })).toMatchObject({ reachable: false });
  });

  it('in a group: reachable as a member or administrator that may send; in a private chat: unless blocked', () => {
    expect(change('group', { status: 'member' })).toEqual({ reachable: true });
    expect(change('supergroup', { status: 'administrator' })).toEqual({ reachable: true });
    expect(change('supergroup', { status: 'restricted', is_member: true, can_send_messages: false })).toMatchObject({ reachable: false });
    expect(change('supergroup', { status: 'restricted', is_member: true, can_send_messages: true })).toEqual({ reachable: true });
    expect(change('group', { status: 'left' })).toEqual({ reachable: false, reason: 'the bot was removed from this group' });
    expect(change('private', { status: 'kicked' })).toEqual({ reachable: false, reason: 'the user blocked the bot' });
    expect(change('private', { status: 'member' })).toEqual({ reachable: true });
  });
});

describe('Telegram’s 20 messages a minute into one group hold for channels', () => {
  it('throttles a channel id (-100…) like a group, a private chat not', async () => {
    const throttle = messageThrottler({ globalPerSecond: 1000, perChatIntervalMs: 0, groupPerMinute: 2 });
    const sent: number[] = [];
    const prev = async (_method: string, payload: { chat_id: number }) => {
      sent.push(payload.chat_id);
      return { ok: true as const, result: true };
    };
    const send = (chat_id: number) => throttle(prev as never, 'sendMessage', { chat_id, text: 'x' } as never);
    for (let i = 0; i < 3; i++) {
      void send(-1001000000006);
      void send(806);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The third post into the channel waits for the next minute; the user's all went.
    expect(sent.filter((id) => id < 0)).toHaveLength(2);
    expect(sent.filter((id) => id > 0)).toHaveLength(3);
  });
});
