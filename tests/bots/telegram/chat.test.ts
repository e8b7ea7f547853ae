import { describe, expect, it } from 'vitest';
import { MESSAGE_LIMIT } from '../../../src/bots/telegram/render.ts';
import type { RecipientRef } from '../../../src/core/recipient.ts';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { type BotMessage, htmlProblem, makeGroup, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { buttonData, buttonsOf, cardIds, messageOf, useTelegramBot } from '../../support/telegram-harness.ts';

const alice = makeUser(1001, 'Alice');
const bob = makeUser(1002, 'Bob');

describe('Telegram chat, end to end against the fake Bot API', () => {
  const t = useTestDb('pglite');
  const tg = useTelegramBot(t);

  it('registers the command menu from the core registry', () => {
    const names = tg.fake.commands.map((c) => c.command);
    expect(names).toEqual(expect.arrayContaining(['today', 'search', 'paper', 'follow', 'unfollow', 'follows', 'vote', 'help', 'papers']));
  });

  it('answers /papers today in a private chat with the day’s cards, links and a 👍/👎/More like this row each', async () => {
    await seedPapers(t.db);
    const reply = await tg.say(alice, privateChat(alice), '/papers today');
    expect(reply.html).toMatch(/^<b>Papers for 2024-05-24<\/b>/);
    expect(cardIds(reply)).toEqual(['2405.14831', '2405.15319', '2405.15071']);
    expect(reply.html).toContain('<a href="https://arxiv.org/abs/2405.14831">arXiv</a> · <a href="https://arxiv.org/pdf/2405.14831">PDF</a>');
    expect(reply.text).toContain('HippoRAG: Neurobiologically Inspired Long-Term Memory for Large Language Models');
    expect(buttonsOf(reply)).toEqual([
      { text: '1 👍', data: 'vote 2405.14831 up' },
      { text: '1 👎', data: 'vote 2405.14831 down' },
      { text: '1 More like this', data: 'similar 2405.14831' },
      { text: '2 👍', data: 'vote 2405.15319 up' },
      { text: '2 👎', data: 'vote 2405.15319 down' },
      { text: '2 More like this', data: 'similar 2405.15319' },
      { text: '3 👍', data: 'vote 2405.15071 up' },
      { text: '3 👎', data: 'vote 2405.15071 down' },
      { text: '3 More like this', data: 'similar 2405.15071' },
    ]);
    const sent = tg.fake.callsOf('sendMessage', { chatId: alice.id })[0]!;
    expect(sent.payload).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  });

  it('takes the short aliases and plain words in private chats', async () => {
    await seedPapers(t.db);
    expect(cardIds(await tg.say(alice, privateChat(alice), '/today'))).toHaveLength(3);
    expect(cardIds(await tg.say(alice, privateChat(alice), 'today'))).toHaveLength(3);
    expect(cardIds(await tg.say(alice, privateChat(alice), '/search grokking'))).toEqual(['2405.15071', '2405.15319']);
    expect((await tg.say(alice, privateChat(alice), '/help')).text).toContain('search <query> [page]');
    expect((await tg.say(alice, privateChat(alice), '/frobnicate')).text).toContain('Unknown command');
  });

  it('subscribes a private chat without any admin check, and shows /settings', async () => {
    const chat = privateChat(bob);
    expect((await tg.say(bob, chat, '/subscribe 08:00 Europe/Berlin')).html).toContain('✅');
    expect((await tg.say(bob, chat, '/settings')).text).toContain('08:00 Europe/Berlin');
    expect((await tg.say(bob, chat, '/unsubscribe')).html).toContain('✅');
    expect(tg.fake.callsOf('getChatMember')).toEqual([]);
  });

  it('welcomes /start with the help', async () => {
    const reply = await tg.say(bob, privateChat(bob), '/start');
    expect(reply.html).toMatch(/^<b>Welcome to paperboy 👋<\/b>/);
    expect(reply.text).toContain('follow <topic');
  });

  it('pages search results with ◀ ▶, editing the message in place', async () => {
    await seedPapers(t.db, diffusionPapers('2405.200', 7));
    const chat = privateChat(alice);
    const first = await tg.say(alice, chat, '/papers search diffusion');
    expect(cardIds(first)).toHaveLength(5);
    expect(buttonsOf(first).at(-1)).toEqual({ text: 'Next ▶', data: 'page next search {"query":"diffusion","page":2}' });

    let mark = tg.fake.calls.length;
    const answered = await tg.click(alice, first, 'page next search {"query":"diffusion","page":2}');
    const edit = await tg.next('editMessageText', chat.id, mark);
    expect(answered.status).toBe(200);
    expect(edit.payload.message_id).toBe(first.message_id);
    const second = messageOf(tg.fake, chat.id, edit);
    expect(second.html).toContain('page 2');
    expect(cardIds(second)).toEqual(['2405.20005', '2405.20006']);
    expect(buttonsOf(second).at(-1)).toEqual({ text: '◀ Previous', data: 'page prev search {"query":"diffusion","page":1}' });

    mark = tg.fake.calls.length;
    await tg.click(alice, second, 'page prev search {"query":"diffusion","page":1}');
    await tg.next('editMessageText', chat.id, mark);
    expect(cardIds(tg.fake.botMessages(chat.id).at(-1)!)).toHaveLength(5);
    // Paging never posted a new message.
    expect(tg.fake.callsOf('sendMessage', { chatId: chat.id })).toHaveLength(1);
  });

  it('answers /trending with the week’s most upvoted papers and pages it with ◀ ▶', async () => {
    await seedPapers(t.db, diffusionPapers('2405.220', 7));
    const chat = privateChat(alice);
    const first = await tg.say(alice, chat, '/trending');
    expect(first.html).toMatch(/^<b>Trending: the last 7 days<\/b>/);
    expect(cardIds(first)).toEqual(['2405.22000', '2405.22001', '2405.22002', '2405.22003', '2405.22004']);
    expect(buttonsOf(first)).toContainEqual({ text: '1 👍', data: 'vote 2405.22000 up' });
    const next = buttonData(first, 'Next ▶');
    const mark = tg.fake.calls.length;
    await tg.click(alice, first, next);
    const second = messageOf(tg.fake, chat.id, await tg.next('editMessageText', chat.id, mark));
    expect(cardIds(second)).toEqual(['2405.22005', '2405.22006']);
  });

  it('finds a paper from a question in plain words', async () => {
    await seedPapers(t.db);
    const reply = await tg.say(alice, privateChat(alice), '/search which transformers learn to reason implicitly');
    expect(cardIds(reply)[0]).toBe('2405.15071');
  });

  it('still pages with a button posted by the previous version (command text as callback_data)', async () => {
    await seedPapers(t.db, diffusionPapers('2405.210', 7));
    const chat = privateChat(bob);
    const first = await tg.say(bob, chat, '/today');
    expect(buttonData(first, 'Next ▶')).toBe('page next today {"date":"2024-05-24","page":2}');
    const old: BotMessage = { ...first, reply_markup: { inline_keyboard: [[{ text: 'Next ▶', callback_data: 'today 2024-05-24 2' }]] } };

    const mark = tg.fake.calls.length;
    const answered = await tg.click(bob, old, 'today 2024-05-24 2');
    expect(answered.payload.text).toBeUndefined();
    const edit = await tg.next('editMessageText', chat.id, mark);
    expect(edit.payload.message_id).toBe(first.message_id);
    const second = messageOf(tg.fake, chat.id, edit);
    expect(second.html).toContain('page 2');
    expect(cardIds(second)).toEqual(['2405.21005', '2405.21006']);
    expect(buttonsOf(second).at(-1)).toEqual({ text: '◀ Previous', data: 'page prev today {"date":"2024-05-24","page":1}' });
  });

  it('puts commands too long for callback_data behind a token', async () => {
    const query = 'diffusion models for very long and winding research questions';
    const papers = Array.from({ length: 6 }, (_, i) => ({
      id: `2405.300${String(i).padStart(2, '0')}`,
      title: `Diffusion models for very long and winding research questions ${i}`,
      featuredOn: '2024-05-24',
      source: 'hf' as const,
    }));
    await seedPapers(t.db, papers);
    const chat = privateChat(bob);
    const first = await tg.say(bob, chat, `/search ${query}`);
    const next = buttonData(first, 'Next ▶');
    expect(next).toMatch(/^~/);
    expect(Buffer.byteLength(next)).toBeLessThanOrEqual(64);
    const mark = tg.fake.calls.length;
    await tg.click(bob, first, next);
    const edit = await tg.next('editMessageText', chat.id, mark);
    expect(cardIds(messageOf(tg.fake, chat.id, edit))).toHaveLength(1);
  });

  it('follows and unfollows by command and by button', async () => {
    await seedPapers(t.db);
    const chat = privateChat(alice);
    expect((await tg.say(alice, chat, '/follow grokking')).text).toContain('Now following grokking.');
    expect((await tg.say(alice, chat, '/follows')).text).toContain('• grokking');
    expect((await tg.say(alice, chat, '/papers unfollow grokking')).text).toContain('Stopped following grokking.');
    expect((await tg.say(alice, chat, '/follows')).text).toContain('You follow nothing yet');

    const results = await tg.say(alice, chat, '/search grokking');
    const follow = buttonData(results, 'Follow “grokking”');
    let mark = tg.fake.calls.length;
    const answer = await tg.click(alice, results, follow);
    expect(answer.payload.text).toContain('Now following grokking.');
    await tg.next('editMessageReplyMarkup', chat.id, mark);
    const flipped = tg.fake.botMessages(chat.id).at(-1)!;
    expect(buttonsOf(flipped).map((b) => b.text)).toContain('✓ Following “grokking”');

    mark = tg.fake.calls.length;
    const undo = await tg.click(alice, flipped, buttonData(flipped, '✓ Following “grokking”'));
    expect(undo.payload.text).toContain('Stopped following grokking.');
    await tg.next('editMessageReplyMarkup', chat.id, mark);
    expect(buttonsOf(tg.fake.botMessages(chat.id).at(-1)!).map((b) => b.text)).toContain('Follow “grokking”');
  });

  it('stores 👍, marks the button, and the next /today ranks by it', async () => {
    await seedPapers(t.db);
    const chat = privateChat(bob);
    const before = await tg.say(bob, chat, '/today');
    expect(cardIds(before)).toEqual(['2405.14831', '2405.15319', '2405.15071']);

    const mark = tg.fake.calls.length;
    const answer = await tg.click(bob, before, buttonData(before, '3 👍'));
    expect(answer.payload.text).toMatch(/^👍 Noted: more papers like “Grokked Transformers/);
    await tg.next('editMessageReplyMarkup', chat.id, mark);
    const marked = tg.fake.botMessages(chat.id).at(-1)!;
    expect(buttonsOf(marked).filter((b) => b.text.startsWith('3 '))).toEqual([
      { text: '3 👍 ✓', data: 'vote 2405.15071 clear' },
      { text: '3 👎', data: 'vote 2405.15071 down' },
      { text: '3 More like this', data: 'similar 2405.15071' },
    ]);

    const after = await tg.say(bob, chat, '/today');
    expect(cardIds(after)[0]).toBe('2405.15071');
    expect(buttonsOf(after)[0]).toEqual({ text: '1 👍 ✓', data: 'vote 2405.15071 clear' });
  });

  it('answers every callback query, also for an unknown token', async () => {
    await seedPapers(t.db);
    const chat = privateChat(alice);
    const reply = await tg.say(alice, chat, '/today');
    const answer = await tg.click(alice, reply, '~doesnotexist0000');
    expect(answer.payload).toMatchObject({ show_alert: true });
    expect(answer.payload.text).toContain('expired');
  });

  it('answers a forged token or a foreign payload as expired, and runs nothing', async () => {
    await seedPapers(t.db);
    const chat = privateChat(bob);
    const reply = await tg.say(bob, chat, '/today');
    const mark = tg.fake.calls.length;
    for (const data of ['~AAAAAAAAAAAAAAAA', `~${'x'.repeat(63)}`, 'page next today {not json}', 'rm -rf /']) {
      const answer = await tg.click(bob, reply, data);
      expect(answer.payload).toMatchObject({ show_alert: true, text: 'That button has expired. Run the command again.' });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tg.fake.calls.slice(mark).filter((c) => c.method !== 'answerCallbackQuery' && c.method !== 'getUpdates')).toEqual([]);
  });

  it('marks the 👍 by the buttons’ actions, not their labels', async () => {
    await seedPapers(t.db);
    const chat = privateChat(alice);
    const posted = await tg.say(alice, chat, '/today');
    expect(cardIds(posted)[2]).toBe('2405.15071');
    // The labels of the third row are swapped and renamed (as a later version might word them); the payloads say what each does.
    const relabelled: BotMessage = {
      ...posted,
      reply_markup: {
        inline_keyboard: posted.reply_markup!.inline_keyboard.map((row) =>
          row.map((b) =>
            'callback_data' in b && b.callback_data === 'vote 2405.15071 up'
              ? { ...b, text: '3 👎 (less)' }
              : 'callback_data' in b && b.callback_data === 'vote 2405.15071 down'
                ? { ...b, text: '3 👍 (more)' }
                : b,
          ),
        ),
      },
    };
    const mark = tg.fake.calls.length;
    const answer = await tg.click(alice, relabelled, 'vote 2405.15071 up');
    expect(answer.payload.text).toMatch(/^👍 Noted/);
    await tg.next('editMessageReplyMarkup', chat.id, mark);
    const marked = tg.fake.botMessages(chat.id).at(-1)!;
    expect(buttonsOf(marked).slice(6)).toEqual([
      { text: '3 👍 ✓', data: 'vote 2405.15071 clear' },
      { text: '3 👎', data: 'vote 2405.15071 down' },
      { text: '3 More like this', data: 'similar 2405.15071' },
    ]);
    // The other rows are left as they were.
    expect(buttonsOf(marked).slice(0, 6)).toEqual(buttonsOf(posted).slice(0, 6));
  });

  it('answers More like this with a new message, leaving the list it came from as it was', async () => {
    await seedPapers(t.db);
    const chat = privateChat(alice);
    const posted = await tg.say(alice, chat, '/today');
    const mark = tg.fake.calls.length;
    const answered = await tg.click(alice, posted, buttonData(posted, '3 More like this'));
    const sent = await tg.next('sendMessage', chat.id, mark);
    expect(answered.status).toBe(200);
    const similar = messageOf(tg.fake, chat.id, sent);
    expect(similar.html).toMatch(/^<b>Similar to Grokked Transformers are Implicit Reasoners/);
    expect(cardIds(similar)).not.toContain('2405.15071');
    expect(tg.fake.callsOf('editMessageText', { chatId: chat.id })).toEqual([]);
  });

  it('escapes paper titles and user input for HTML', async () => {
    await seedPapers(t.db, [
      {
        id: '2405.40001',
        title: '<script>alert("x")</script> & <b>Friends</b>',
        abstract: 'a < b && c > d',
        authors: ["O'Brien & <Co>"],
        featuredOn: '2024-05-24',
        source: 'hf',
      },
    ]);
    const reply = await tg.say(alice, privateChat(alice), '/today');
    expect(htmlProblem(reply.html)).toBeUndefined();
    expect(reply.html).toContain('&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;Friends&lt;/b&gt;');
    expect(reply.html).toContain('a &lt; b &amp;&amp; c &gt; d');
    expect(reply.html).not.toContain('<script>');
    expect(reply.text).toContain('<script>alert("x")</script> & <b>Friends</b>');

    const search = await tg.say(alice, privateChat(alice), '/search <i>nothing</i> & more');
    expect(search.html).toContain('Search: &lt;i&gt;nothing&lt;/i&gt; &amp; more');
  });

  it('keeps a result set that would exceed 4096 characters within one valid message', async () => {
    const long = (i: number) => ({
      id: `2405.500${String(i).padStart(2, '0')}`,
      title: `${'Extremely & <verbose> title '.repeat(12)}${i}`,
      abstract: 'An abstract with <markup> & ampersands that goes on and on. '.repeat(20),
      authors: Array.from({ length: 40 }, (_, a) => `Author Number${a} & Co`),
      githubRepo: `https://github.com/example/${'repository-name-'.repeat(8)}${i}`,
      projectPage: `https://example.org/${'project-page/'.repeat(8)}${i}`,
      aiKeywords: ['verbose'],
      featuredOn: '2024-05-24',
      upvotes: 50 - i,
      source: 'hf' as const,
    });
    await seedPapers(
      t.db,
      Array.from({ length: 6 }, (_, i) => long(i)),
    );
    const chat = privateChat(bob);
    const reply = await tg.say(bob, chat, '/today');
    expect(reply.html.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    expect(htmlProblem(reply.html)).toBeUndefined();
    // All five papers of the page are still there: as cards, or linked by id when they did not fit.
    for (let i = 0; i < 5; i++) expect(reply.html).toContain(`huggingface.co/papers/2405.500${String(i).padStart(2, '0')}`);
    expect(buttonsOf(reply).filter((b) => b.text.endsWith('👍'))).toHaveLength(cardIds(reply).length);
    expect(buttonData(reply, 'Next ▶')).toBe('page next today {"date":"2024-05-24","page":2}');
  });

  it('waits out a 429 (retry_after) and delivers the reply exactly once', async () => {
    await seedPapers(t.db);
    const chat = privateChat(alice);
    tg.fake.failNext(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
      { where: (p) => Number(p.chat_id) === chat.id },
    );
    const reply = await tg.say(alice, chat, '/today');
    expect(cardIds(reply)).toHaveLength(3);
    const attempts = tg.fake.callsOf('sendMessage', { chatId: chat.id, all: true });
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tg.fake.botMessages(chat.id)).toHaveLength(1);
  });

  it('replies with a reference when sending fails, and never logs the token', async () => {
    await seedPapers(t.db);
    const chat = privateChat(bob);
    tg.fake.failNext('sendMessage', 'network', { where: (p) => Number(p.chat_id) === chat.id });
    const reply = await tg.say(bob, chat, '/today');
    expect(reply.text).toMatch(/Sorry, that failed on my side\. If it keeps happening, report reference [0-9a-f]{8}\./);
    const logs = tg.logText();
    expect(logs).toContain('telegram update failed');
    expect(logs).toContain('[redacted]');
    expect(logs).not.toContain(tg.fake.token);
    expect(logs).not.toContain(tg.fake.token.split(':')[1]);
  });

  describe('in groups', () => {
    const group = makeGroup(-4001, 'Reading group');

    it('answers /cmd@ThisBot, ignores commands for other bots and unknown ones', async () => {
      await seedPapers(t.db);
      const mark = tg.fake.calls.length;
      tg.fake.userSays(alice, group, '/today@SomeOtherBot');
      tg.fake.userSays(alice, group, '/weather');
      const reply = await tg.say(alice, group, `/today@${tg.fake.me.username}`);
      expect(cardIds(reply)).toHaveLength(3);
      const sent = tg.fake.calls.slice(mark).filter((c) => c.method === 'sendMessage');
      expect(sent).toHaveLength(1);
      expect(sent[0]!.payload.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
      expect((await tg.say(alice, group, `/frobnicate@${tg.fake.me.username}`)).text).toContain('Unknown command');
    });

    it('keeps follows per group, shared by its members, and changed by its admins only', async () => {
      await seedPapers(t.db);
      tg.fake.setMemberStatus(group.id, alice.id, 'administrator');
      expect((await tg.say(bob, group, '/follow diffusion')).text).toContain('Only the group’s admins can change what it follows');
      await tg.say(alice, group, '/follow grokking');
      expect((await tg.say(bob, group, '/follows')).text).toContain('This channel follows 1');
      expect((await tg.say(bob, privateChat(bob), '/follows')).text).toContain('You follow nothing yet');
    });

    it('lets only admins change the subscription', async ({ skip }) => {
      if (!(await hasCommand('subscribe'))) skip('core subscribe command has not landed yet');
      tg.fake.setMemberStatus(group.id, alice.id, 'administrator');
      const refused = await tg.say(bob, group, '/papers subscribe 08:00 Europe/Berlin');
      expect(tg.fake.callsOf('getChatMember')).toContainEqual(
        expect.objectContaining({ payload: expect.objectContaining({ chat_id: group.id, user_id: bob.id }) }),
      );
      expect(refused.html).toContain('❌');
      expect(refused.text).toMatch(/admins/);
      expect(await subscriptionCount(group.id)).toBe(0);

      const accepted = await tg.say(alice, group, '/papers subscribe 08:00 Europe/Berlin');
      expect(accepted.html).toContain('✅');
      expect(await subscriptionCount(group.id)).toBe(1);
      // Reading commands need no admin check.
      const checks = tg.fake.callsOf('getChatMember').length;
      await tg.say(bob, group, '/today');
      expect(tg.fake.callsOf('getChatMember')).toHaveLength(checks);
    });

    it('keeps follows when the group becomes a supergroup', async () => {
      await seedPapers(t.db);
      const old = makeGroup(-4002, 'Migrating group');
      tg.fake.setMemberStatus(old.id, alice.id, 'creator');
      await tg.say(alice, old, '/follow grokking');
      tg.fake.migrateGroup(old, -1004002, alice);
      await waitFor(async () => (await findRecipient({ platform: 'telegram', externalId: '-1004002', kind: 'channel' })) !== undefined);
      const supergroup = { id: -1004002, type: 'supergroup' as const, title: 'Migrating group' };
      expect((await tg.say(alice, supergroup, '/follows')).text).toContain('• grokking');
      expect(await findRecipient({ platform: 'telegram', externalId: '-4002', kind: 'channel' })).toBeUndefined();
    });
  });

  function findRecipient(ref: RecipientRef): Promise<number | undefined> {
    return t.storage.recipients.find(ref);
  }

  async function hasCommand(name: string): Promise<boolean> {
    return tg.fake.commands.some((c) => c.command === name);
  }

  async function subscriptionCount(chatId: number): Promise<number> {
    const rows = await t.db
      .selectFrom('subscriptions')
      .innerJoin('recipients', 'recipients.id', 'subscriptions.recipient_id')
      .select('subscriptions.id')
      .where('recipients.platform', '=', 'telegram')
      .where('recipients.external_id', '=', String(chatId))
      .execute();
    return rows.length;
  }
});

/** `count` papers of 2024-05-24 about diffusion, ids `${prefix}00`…, most upvoted first. */
function diffusionPapers(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${String(i).padStart(2, '0')}`,
    title: `Diffusion study number ${i}`,
    featuredOn: '2024-05-24',
    upvotes: 100 - i,
    source: 'hf' as const,
  }));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
