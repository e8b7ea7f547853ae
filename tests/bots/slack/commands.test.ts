import { describe, expect, it } from 'vitest';
import { SLACK_MANAGERS } from '../../../src/bots/slack/dispatch.ts';
import { seedPapers } from '../../support/core.ts';
import { engines, useTestDb } from '../../support/db.ts';
import { addPapers, paper } from '../../support/schedule.ts';
import { button, buttonsOf, cardIds, textOf, useSlackBot } from '../../support/slack-harness.ts';

const ALICE = 'U0ALICE01';
const BOB = 'U0BOB0001';
const ADMIN = 'U0ADMIN01';
const CREATOR = 'U0CREATE1';
const CHANNEL = 'C0PAPERS1';
const DM = 'D0ALICE01';

describe.each(engines)('/papers through the real Bolt app over HTTP (%s)', (engine) => {
  const t = useTestDb(engine);
  const h = useSlackBot(t, 'http');

  it('acknowledges at once and answers help ephemerally, listing every visible core command', async () => {
    const started = Date.now();
    const { status, responseId } = await h.fake.slashCommand(h.transport, { text: '', user: ALICE, channel: CHANNEL });
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const answer = await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === responseId), 'help');
    expect(answer.body.response_type).toBe('ephemeral');
    const text = textOf(answer.body.blocks);
    for (const spec of h.core.commands.filter((s) => !s.hidden)) expect(text).toContain(spec.name);
  });

  it('answers a public command in the channel with a card per paper and the core’s actions in the buttons', async () => {
    await seedPapers(t.db);
    const answer = await h.command(ALICE, CHANNEL, 'today');
    expect(answer.body.response_type).toBe('in_channel');
    expect(answer.body.text).toBe('Papers for 2024-05-24');
    expect(cardIds(answer.body.blocks)).toEqual(['2405.14831', '2405.15319', '2405.15071']);
    expect(textOf(answer.body.blocks)).toContain('▲ 40');
    const up = button(answer.body.blocks, '👍');
    expect(await h.core.actions.decode(up.value)).toEqual({ kind: 'vote', paperId: '2405.14831', vote: 'up' });
    expect(await h.core.actions.decode(button(answer.body.blocks, 'More like this').value)).toEqual({ kind: 'similar', paperId: '2405.14831' });
    expect(new Set(buttonsOf(answer.body.blocks).map((b) => b.action_id)).size).toBe(buttonsOf(answer.body.blocks).length);
  });

  it('unescapes what Slack escaped in the command text', async () => {
    const answer = await h.command(ALICE, DM, 'follow R&amp;D');
    expect(answer.body.response_type).toBe('ephemeral');
    const follows = await h.command(ALICE, DM, 'follows');
    expect(textOf(follows.body.blocks)).toContain('R&amp;D');
    expect(textOf(follows.body.blocks)).not.toContain('&amp;amp;');
  });

  it('rejects a request whose signature does not match (401) and answers nothing', async () => {
    const { status, responseId } = await h.fake.slashCommand(h.transport, {
      text: 'today',
      user: ALICE,
      channel: CHANNEL,
      secret: 'ffffffffffffffffffffffffffffffff',
    });
    expect(status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.fake.responses.filter((r) => r.id === responseId)).toEqual([]);
  });

  it('refuses a channel subscription to a member who is neither admin, owner nor the channel’s creator', async () => {
    h.fake.setUser({ id: BOB });
    h.fake.setChannel(CHANNEL, CREATOR);
    const answer = await h.command(BOB, CHANNEL, 'subscribe 09:00 Europe/Berlin');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer.body.blocks)).toMatch(/Only workspace admins and the channel’s creator can change/);
    expect(textOf(answer.body.blocks)).toContain(SLACK_MANAGERS);
    expect(h.fake.callsOf('users.info').map((c) => c.args.user)).toEqual([BOB]);
    expect(h.fake.callsOf('conversations.info').map((c) => c.args.channel)).toEqual([CHANNEL]);
    expect(await t.db.selectFrom('subscriptions').selectAll().execute()).toEqual([]);
  });

  it('lets a workspace admin and the channel’s creator subscribe the channel', async () => {
    h.fake.setUser({ id: ADMIN, is_admin: true });
    h.fake.setUser({ id: CREATOR });
    h.fake.setChannel(CHANNEL, CREATOR);
    h.fake.setChannel('C0OTHER01', CREATOR);
    const byAdmin = await h.command(ADMIN, CHANNEL, 'subscribe 09:00 Europe/Berlin');
    expect(textOf(byAdmin.body.blocks)).toContain('Subscribed');
    expect(h.fake.callsOf('conversations.info')).toEqual([]);
    const byCreator = await h.command(CREATOR, 'C0OTHER01', 'subscribe 07:00');
    expect(textOf(byCreator.body.blocks)).toContain('Subscribed');
    expect(h.fake.callsOf('conversations.info').map((c) => c.args.channel)).toEqual(['C0OTHER01']);
    const rows = await t.db
      .selectFrom('subscriptions')
      .innerJoin('recipients', 'recipients.id', 'subscriptions.recipient_id')
      .select(['recipients.platform', 'recipients.external_id', 'recipients.kind'])
      .orderBy('recipients.external_id')
      .execute();
    expect(rows).toEqual([
      { platform: 'slack', external_id: 'C0OTHER01', kind: 'channel' },
      { platform: 'slack', external_id: CHANNEL, kind: 'channel' },
    ]);
  });

  it('in a direct message acts for the person, who manages their own subscription without any check', async () => {
    const answer = await h.command(ALICE, DM, 'subscribe 08:00 UTC');
    expect(textOf(answer.body.blocks)).toContain('Subscribed');
    expect(h.fake.callsOf('users.info')).toEqual([]);
    const [row] = await t.db.selectFrom('recipients').select(['external_id', 'kind']).execute();
    expect(row).toEqual({ external_id: ALICE, kind: 'user' });
  });

  it('runs a 👍 click through the core and confirms it privately', async () => {
    await seedPapers(t.db);
    const today = await h.command(ALICE, DM, 'today');
    const confirmation = await h.click(ALICE, DM, button(today.body.blocks, '👍'));
    expect(confirmation.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(textOf(confirmation.body.blocks)).toMatch(/👍/);
    const again = await h.command(ALICE, DM, 'today');
    expect(button(again.body.blocks, '👍 ✓').style).toBe('primary');
    expect(await h.core.actions.decode(button(again.body.blocks, '👍 ✓').value)).toEqual({ kind: 'vote', paperId: '2405.14831', vote: 'clear' });
  });

  it('pages an ephemeral answer in place, and a channel’s public list privately', async () => {
    await addPapers(
      t.db,
      Array.from({ length: 12 }, (_, i) => paper(`2405.700${String(i).padStart(2, '0')}`, '2024-05-24', { title: `Grokking study ${i}` })),
    );
    const search = await h.command(ALICE, CHANNEL, 'search grokking');
    const next = buttonsOf(search.body.blocks).find((b) => b.text.text.startsWith('Next'));
    expect(next).toBeDefined();
    const page2 = await h.click(ALICE, CHANNEL, next!);
    expect(page2.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const inPlace = await h.click(ALICE, CHANNEL, next!, { ephemeral: true });
    expect(inPlace.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(textOf(inPlace.body.blocks)).toContain('Page 2');
  });

  it('answers a button it cannot read with a note that it expired', async () => {
    const answer = await h.click(ALICE, CHANNEL, { action_id: 'pb:0', value: '~unknowntoken0000', text: { type: 'plain_text', text: '👍' } });
    expect(answer.body.text).toContain('expired');
  });

  it('shows the Home tab: follows, daily post and picks, with working buttons', async () => {
    await seedPapers(t.db);
    await h.command(ALICE, DM, 'follow grokking');
    const opened = await h.openHome(ALICE);
    const blocks = opened.args.view.blocks;
    expect(opened.args.view.type).toBe('home');
    expect(textOf(blocks)).toContain('*Your follows*');
    expect(textOf(blocks)).toContain('grokking');
    expect(textOf(blocks)).toContain('*Your daily post*');
    expect(cardIds(blocks).length).toBeGreaterThan(0);
    const similar = button(blocks, 'More like this');
    const after = await h.clickHome(ALICE, similar);
    expect(textOf(after.args.view.blocks)).toContain('*Your follows*');
    expect(cardIds(after.args.view.blocks)).not.toEqual(cardIds(blocks));
  });

  it('never logs a token or the signing secret', async () => {
    await h.command(ALICE, CHANNEL, 'today');
    h.fake.failNext('users.info', 'network');
    await h.command(BOB, CHANNEL, 'subscribe');
    const text = h.logText();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [h.fake.botToken, h.fake.signingSecret, h.fake.appToken]) expect(text).not.toContain(secret);
  });
});
