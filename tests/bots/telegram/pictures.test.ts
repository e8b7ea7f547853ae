import { describe, expect, it } from 'vitest';
import { seedPapers } from '../../support/core.ts';
import { useTestDb } from '../../support/db.ts';
import { makeGroup, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { picturedPapers } from '../../support/pictured-papers.ts';
import { addSubscription, pass } from '../../support/schedule.ts';
import { useTelegramBot } from '../../support/telegram-harness.ts';

const alice = makeUser(1101, 'Alice');

const LARGE_PREVIEW = (id: string) => ({ url: `https://huggingface.co/papers/${id}`, prefer_large_media: true, show_above_text: true });
const NO_PREVIEW = { is_disabled: true };

const IDS = ['2405.32001', '2405.32002', '2405.32003'];
const papers = (pictured: (id: string) => boolean) => picturedPapers(IDS, pictured);

describe('Telegram shows papers’ pictures as large link previews', () => {
  const t = useTestDb('pglite');
  const tg = useTelegramBot(t);

  /** The payload of the last sendMessage into a chat. */
  const lastSent = (chatId: number) => tg.fake.callsOf('sendMessage', { chatId }).at(-1)!.payload;

  it('answers /paper with a large preview of the paper’s page above the text', async () => {
    await seedPapers(
      t.db,
      papers(() => true),
    );
    const chat = privateChat(alice);
    const reply = await tg.say(alice, chat, '/paper 2405.32002');
    expect(reply.text).toContain('What the figure shows');
    expect(lastSent(chat.id).link_preview_options).toEqual(LARGE_PREVIEW('2405.32002'));
    // Still a text message with its HTML and buttons: nothing was sent as a photo.
    expect(lastSent(chat.id).parse_mode).toBe('HTML');
    expect(tg.fake.calls.filter((c) => c.method === 'sendPhoto')).toEqual([]);
  });

  it('answers /paper for a paper without a thumbnail with link previews off, and lists without pictures', async () => {
    await seedPapers(
      t.db,
      papers((id) => id !== '2405.32002'),
    );
    const chat = privateChat(alice);
    await tg.say(alice, chat, '/paper 2405.32002');
    expect(lastSent(chat.id).link_preview_options).toEqual(NO_PREVIEW);
    await tg.say(alice, chat, '/today');
    expect(lastSent(chat.id).link_preview_options).toEqual(NO_PREVIEW);
  });

  it('leads a delivered daily post with its first card’s page preview', async () => {
    await seedPapers(
      t.db,
      papers(() => true),
    );
    const group = makeGroup(-1101, 'Reading group');
    await addSubscription(t.db, { platform: 'telegram', externalId: String(group.id), kind: 'channel', sendTime: '09:00', at: '2024-05-24T12:00:00Z' });
    expect((await pass(t.db, '2024-05-25T09:00:00Z', [tg.service.port])).sent).toBe(1);
    const [post] = tg.fake.callsOf('sendMessage', { chatId: group.id });
    expect(post!.payload.text).toMatch(/^<b>Daily picks for 2024-05-25<\/b>/);
    expect(post!.payload.text.indexOf('papers/2405.32001')).toBeLessThan(post!.payload.text.indexOf('papers/2405.32002'));
    expect(post!.payload.link_preview_options).toEqual(LARGE_PREVIEW('2405.32001'));
  });

  it('delivers a post whose first card has no picture as text alone', async () => {
    await seedPapers(
      t.db,
      papers((id) => id !== '2405.32001'),
    );
    const group = makeGroup(-1102, 'Another group');
    await addSubscription(t.db, { platform: 'telegram', externalId: String(group.id), kind: 'channel', sendTime: '09:00', at: '2024-05-24T12:00:00Z' });
    expect((await pass(t.db, '2024-05-25T09:00:00Z', [tg.service.port])).sent).toBe(1);
    expect(tg.fake.callsOf('sendMessage', { chatId: group.id }).map((c) => c.payload.link_preview_options)).toEqual([NO_PREVIEW]);
  });
});
