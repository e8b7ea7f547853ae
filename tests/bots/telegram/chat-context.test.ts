import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandContextFor, mayManageChat, recipientOfChat } from '../../../src/bots/telegram/chat-context.ts';
import { FakeTelegramBotApi, makeGroup, makeSupergroup, makeUser, privateChat } from '../../support/fakes/telegram-bot-api.ts';
import { silentLog } from '../../support/log.ts';

describe('who may manage a Telegram chat (getChatMember against the fake)', () => {
  let fake: FakeTelegramBotApi;
  let api: Api;
  const group = makeGroup(-5001);
  const owner = makeUser(11);
  const admin = makeUser(12);
  const member = makeUser(13);

  beforeAll(async () => {
    fake = await FakeTelegramBotApi.start();
    api = new Api(fake.token, { apiRoot: fake.apiRoot });
    fake.setMemberStatus(group.id, owner.id, 'creator');
    fake.setMemberStatus(group.id, admin.id, 'administrator');
  });
  afterAll(() => fake.close());

  const may = (chat: Parameters<typeof mayManageChat>[1], sender: Parameters<typeof mayManageChat>[2]) =>
    mayManageChat(api, chat, sender, silentLog, [fake.token]);

  it('allows the group creator and administrators, refuses members', async () => {
    expect(await may(group, { from: owner })).toBe(true);
    expect(await may(group, { from: admin })).toBe(true);
    expect(await may(group, { from: member })).toBe(false);
  });

  it('allows anyone in their private chat without asking Telegram', async () => {
    const before = fake.callsOf('getChatMember').length;
    expect(await may(privateChat(member), { from: member })).toBe(true);
    expect(fake.callsOf('getChatMember')).toHaveLength(before);
  });

  it('allows anonymous admins (the group itself as sender_chat)', async () => {
    expect(await may(group, { from: makeUser(1087968824), senderChat: { id: group.id } })).toBe(true);
  });

  it('refuses when Telegram cannot answer', async () => {
    fake.failNext('getChatMember', { error_code: 400, description: 'Bad Request: chat not found' });
    expect(await may(group, { from: admin })).toBe(false);
  });

  it('maps chats to recipients and asks at most once per command', async () => {
    expect(recipientOfChat(privateChat(member))).toEqual({ platform: 'telegram', externalId: '13', kind: 'user' });
    expect(recipientOfChat(makeSupergroup(-1005001))).toEqual({ platform: 'telegram', externalId: '-1005001', kind: 'channel' });
    const ctx = commandContextFor(api, group, { from: admin }, silentLog, []);
    const before = fake.callsOf('getChatMember').length;
    expect([await ctx.mayManage(), await ctx.mayManage()]).toEqual([true, true]);
    expect(fake.callsOf('getChatMember')).toHaveLength(before + 1);
  });
});
