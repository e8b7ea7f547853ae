import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, Chat, InlineKeyboardMarkup, Message, Update, User } from 'grammy/types';

/**
 * A fake Telegram Bot API on loopback (`/bot<token>/<method>`), for end-to-end tests with
 * the real grammY client. It behaves like Telegram where our adapter depends on it:
 * long-polling `getUpdates` with offsets, HTML parse-mode validation (unknown tags,
 * unescaped `<`/`&`, over 4096 characters → 400), 1–64-byte `callback_data`, "message is
 * not modified", callback queries answerable once, getUpdates refused while a webhook is
 * set. Tests queue updates (messages, button clicks, migrations, channel posts, changes of the
 * bot's own membership), set member statuses and script failures (429 with retry_after, 403,
 * 400 with migrate_to_chat_id, dropped sockets). Where a test has set the bot's membership of a
 * chat, posting and deleting there follow Telegram's rights (a channel needs an administrator
 * with Post messages to post, Delete messages to delete others' posts).
 */

/** One recorded Bot API call and what the fake answered. */
export interface RecordedCall {
  method: string;
  payload: Record<string, any>;
  /** HTTP status answered; 0 when the socket was dropped. */
  status: number;
  /** The `result` for successful calls. */
  result?: any;
  description?: string;
  at: number;
}

/** An error answer to script, or 'network' to drop the connection without answering. */
export type ScriptedFailure = { error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } } | 'network';

/** A message the bot sent, in its current state (after edits). */
export interface BotMessage {
  message_id: number;
  chat_id: number;
  /** The HTML as sent. */
  html: string;
  /** The text after parsing (tags removed, entities decoded), as Telegram counts it. */
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  edits: number;
}

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/** The bot's own membership of a chat, as a test sets it (see `setBotMembership`). */
export type BotMembership =
  | { status: 'administrator'; can_post_messages?: boolean; can_delete_messages?: boolean }
  | { status: 'member' | 'left' | 'kicked' }
  | { status: 'restricted'; can_send_messages: boolean; is_member: boolean };

interface Waiter {
  offset: number;
  limit: number;
  respond: (updates: Update[]) => void;
}

interface Script {
  method: string;
  failure: ScriptedFailure;
  times: number;
  where?: (payload: Record<string, any>) => boolean;
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote', 'tg-emoji']);

/** Creates a user for tests. */
export function makeUser(id: number, firstName = `User${id}`): User {
  return { id, is_bot: false, first_name: firstName };
}

/** The private chat with a user (its id is the user's). */
export function privateChat(user: User): Chat.PrivateChat {
  return { id: user.id, type: 'private', first_name: user.first_name };
}

/** A basic group (negative id). */
export function makeGroup(id: number, title = `Group ${id}`): Chat.GroupChat {
  return { id, type: 'group', title };
}

/** A supergroup (ids look like -100…). */
export function makeSupergroup(id: number, title = `Supergroup ${id}`): Chat.SupergroupChat {
  return { id, type: 'supergroup', title };
}

/** A broadcast channel (ids look like -100…, as a supergroup's). */
export function makeChannel(id: number, title = `Channel ${id}`): Chat.ChannelChat {
  return { id, type: 'channel', title };
}

export class FakeTelegramBotApi {
  /** Every call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  /** The command menu from the last setMyCommands. */
  commands: BotCommand[] = [];
  /** The webhook from the last setWebhook, until deleteWebhook. */
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | undefined;
  readonly me: User & { username: string };

  private readonly server: Server;
  private readonly pending: Update[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly scripts: Script[] = [];
  private readonly answerDelays = new Map<string, number>();
  private readonly members = new Map<string, MemberStatus>();
  /** The bot's membership by chat id, where a test set one; chats the fake learnt of (channels) by id. */
  private readonly botMemberships = new Map<number, BotMembership>();
  private readonly chats = new Map<number, Chat>();
  /** Posts of others (channel posts) the bot may delete, as `chat:message` keys. */
  private readonly othersPosts = new Set<string>();
  private readonly messages = new Map<string, BotMessage>();
  private readonly messageIds = new Map<number, number>();
  private readonly callbackQueries = new Map<string, { answered: boolean; text?: string; show_alert?: boolean }>();
  private readonly listeners = new Set<() => void>();
  private port = 0;
  private nextUpdateId = 1;
  private nextCallbackId = 1;

  private constructor(
    readonly token: string,
    username: string,
    private readonly maxHoldMs: number,
  ) {
    this.me = { id: 7_000_001, is_bot: true, first_name: 'Paperboy', username };
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Starts the fake on a free loopback port. `maxHoldMs` caps how long getUpdates waits for updates. */
  static async start(options: { token?: string; username?: string; maxHoldMs?: number } = {}): Promise<FakeTelegramBotApi> {
    const fake = new FakeTelegramBotApi(
      options.token ?? '123456:TEST-token_abcdefghijklmnop',
      options.username ?? 'PaperboyTestBot',
      options.maxHoldMs ?? 1000,
    );
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The `apiRoot` to give grammY (still answers after close, for tests of an unreachable server). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) waiter.respond([]);
    this.waiters.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Forgets calls, scripts, statuses and messages between tests (update ids keep counting). */
  reset(): void {
    this.calls.length = 0;
    this.scripts.length = 0;
    this.answerDelays.clear();
    this.members.clear();
    this.botMemberships.clear();
    this.othersPosts.clear();
    this.messages.clear();
    this.callbackQueries.clear();
  }

  // ---- Test controls --------------------------------------------------------------

  /** Queues an update for getUpdates; returns its update_id. */
  queueUpdate(update: Omit<Update, 'update_id'>): number {
    const update_id = this.nextUpdateId++;
    this.pending.push({ update_id, ...update } as Update);
    this.wake();
    return update_id;
  }

  /** A user writes `text` into `chat` (a leading /command gets its bot_command entity). Returns the message. */
  userSays(from: User, chat: Chat, text: string, extra: Partial<Message> = {}): Message {
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const message = {
      message_id: this.nextMessageId(chat.id),
      date: now(),
      chat,
      from,
      text,
      ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] } : {}),
      ...extra,
    } as Message;
    this.queueUpdate({ message } as Omit<Update, 'update_id'>);
    return message;
  }

  /** A user clicks the button with `callback_data` under one of the bot's messages. Returns the query id. */
  click(from: User, message: BotMessage, data: string): string {
    const id = `cbq-${this.nextCallbackId++}`;
    this.callbackQueries.set(id, { answered: false });
    const chat = this.chatOf(message.chat_id);
    this.queueUpdate({
      callback_query: {
        id,
        from,
        chat_instance: `ci-${message.chat_id}`,
        data,
        message: {
          message_id: message.message_id,
          date: now(),
          chat,
          from: this.me,
          text: message.text,
          ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
        },
      },
    } as Omit<Update, 'update_id'>);
    return id;
  }

  /** The service message Telegram sends into a group that has become a supergroup. */
  migrateGroup(group: Chat.GroupChat, supergroupId: number, by: User): void {
    this.queueUpdate({ message: { message_id: this.nextMessageId(group.id), date: now(), chat: group, from: by, migrate_to_chat_id: supergroupId } } as Omit<
      Update,
      'update_id'
    >);
    const supergroup = makeSupergroup(supergroupId, group.title);
    this.queueUpdate({
      message: { message_id: this.nextMessageId(supergroupId), date: now(), chat: supergroup, from: by, migrate_from_chat_id: group.id },
    } as Omit<Update, 'update_id'>);
  }

  /**
   * The bot's own membership of `chat` changes (`by` added it as an administrator, removed or
   * demoted it; a private chat's user blocked it: 'kicked', or unblocked it: 'member'): queues the
   * my_chat_member update Telegram sends, and from now on getChatMember, sendMessage and
   * deleteMessage in that chat follow it. Returns the update id.
   */
  setBotMembership(chat: Chat, membership: BotMembership, by: User): number {
    const old = this.botMemberships.get(chat.id) ?? { status: chat.type === 'private' ? 'member' : 'left' };
    this.botMemberships.set(chat.id, membership);
    this.chats.set(chat.id, chat);
    return this.queueUpdate({
      my_chat_member: { chat, from: by, date: now(), old_chat_member: this.botMember(old), new_chat_member: this.botMember(membership) },
    } as unknown as Omit<Update, 'update_id'>);
  }

  /**
   * A post in a channel (as its admins post: no `from`, signed by the channel itself as
   * `sender_chat`, unless `senderChat` says another chat signed it). A leading /command gets its
   * bot_command entity. Returns the post.
   */
  channelPost(channel: Chat.ChannelChat, text: string, options: { senderChat?: Chat } = {}): Message {
    this.chats.set(channel.id, channel);
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const post = {
      message_id: this.nextMessageId(channel.id),
      date: now(),
      chat: channel,
      sender_chat: options.senderChat ?? channel,
      text,
      ...(command ? { entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] } : {}),
    } as Message;
    this.othersPosts.add(`${channel.id}:${post.message_id}`);
    this.queueUpdate({ channel_post: post } as Omit<Update, 'update_id'>);
    return post;
  }

  /** Sets what getChatMember answers for a user in a chat (default 'member'). */
  setMemberStatus(chatId: number, userId: number, status: MemberStatus): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  /** Makes the next `times` calls of `method` (matching `where`) fail as scripted. */
  failNext(method: string, failure: ScriptedFailure, options: { times?: number; where?: (payload: Record<string, any>) => boolean } = {}): void {
    this.scripts.push({ method, failure, times: options.times ?? 1, ...(options.where ? { where: options.where } : {}) });
  }

  /**
   * Answers every later call of `method` `ms` milliseconds after taking it (a slow Bot API): the
   * call is recorded and its message stored at once, as Telegram would have posted it, and only the
   * answer waits. `ms` 0 answers at once again.
   */
  answerAfter(method: string, ms: number): void {
    if (ms > 0) this.answerDelays.set(method, ms);
    else this.answerDelays.delete(method);
  }

  /** Calls of `method` (only successful ones unless `all`). */
  callsOf(method: string, options: { all?: boolean; chatId?: number } = {}): RecordedCall[] {
    return this.calls.filter(
      (call) =>
        call.method === method && (options.all || call.status === 200) && (options.chatId === undefined || Number(call.payload.chat_id) === options.chatId),
    );
  }

  /** The bot's messages in a chat, oldest first, in their current (edited) state. */
  botMessages(chatId: number): BotMessage[] {
    return [...this.messages.values()].filter((m) => m.chat_id === chatId).sort((a, b) => a.message_id - b.message_id);
  }

  /** The answer given to a callback query, if any. */
  callbackAnswer(id: string): { answered: boolean; text?: string; show_alert?: boolean } | undefined {
    return this.callbackQueries.get(id);
  }

  /**
   * Resolves with the first successful call of `method` recorded after index `after`
   * (take `fake.calls.length` before acting) that matches `where`; rejects after `timeoutMs`.
   */
  waitForCall(method: string, options: { after?: number; where?: (call: RecordedCall) => boolean; timeoutMs?: number } = {}): Promise<RecordedCall> {
    const after = options.after ?? 0;
    const find = () => this.calls.slice(after).find((c) => c.method === method && c.status === 200 && (options.where?.(c) ?? true));
    return new Promise((resolve, reject) => {
      const found = find();
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `no ${method} call within ${options.timeoutMs ?? 5000} ms; calls: ${this.calls
              .slice(after)
              .map((c) => `${c.method}:${c.status}`)
              .join(', ')}`,
          ),
        );
      }, options.timeoutMs ?? 5000);
      const check = () => {
        const hit = find();
        if (!hit) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(hit);
      };
      this.listeners.add(check);
    });
  }

  // ---- Server ---------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const body = await readBody(req);
    if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    let payload: Record<string, any> = {};
    try {
      payload = body ? JSON.parse(body) : {};
    } catch {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    const record = (status: number, outcome: { result?: unknown; description?: string }) => {
      this.calls.push({ method, payload, status, ...outcome, at: Date.now() });
      for (const listener of [...this.listeners]) listener();
    };
    if (token !== this.token) {
      record(401, { description: 'Unauthorized' });
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const script = this.scripts.find((s) => s.method === method && s.times > 0 && (s.where?.(payload) ?? true));
    if (script) {
      script.times--;
      if (script.failure === 'network') {
        record(0, { description: 'connection dropped' });
        req.socket.destroy();
        return;
      }
      record(script.failure.error_code, { description: script.failure.description });
      return send(res, script.failure.error_code, { ok: false, ...script.failure });
    }
    let outcome: { ok: true; result: unknown } | { ok: false; error_code: number; description: string };
    try {
      outcome = method === 'getUpdates' ? await this.getUpdates(payload, res) : this.answer(method, payload);
    } catch (error) {
      outcome = { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` };
    }
    if (outcome.ok) record(200, { result: outcome.result });
    else record(outcome.error_code, { description: outcome.description });
    const delay = this.answerDelays.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!res.destroyed) send(res, outcome.ok ? 200 : outcome.error_code, outcome);
  }

  private getUpdates(
    payload: Record<string, any>,
    res: ServerResponse,
  ): Promise<{ ok: true; result: Update[] } | { ok: false; error_code: number; description: string }> {
    if (this.webhook) {
      return Promise.resolve({
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    const offset = Number(payload.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(payload.limit ?? 100)));
    // Telegram forgets updates below the offset: they are confirmed.
    while (this.pending.length && this.pending[0]!.update_id < offset) this.pending.shift();
    const ready = this.pending.slice(0, limit);
    const hold = Math.min(Number(payload.timeout ?? 0) * 1000, this.maxHoldMs);
    if (ready.length || hold <= 0) return Promise.resolve({ ok: true, result: ready });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        limit,
        respond: (updates) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve({ ok: true, result: updates });
        },
      };
      const timer = setTimeout(() => waiter.respond([]), hold);
      // A client that gives up (runner stopping) must not swallow updates.
      res.once('close', () => waiter.respond([]));
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      const ready = this.pending.filter((u) => u.update_id >= waiter.offset).slice(0, waiter.limit);
      if (ready.length) waiter.respond(ready);
    }
  }

  private answer(method: string, p: Record<string, any>): { ok: true; result: unknown } | { ok: false; error_code: number; description: string } {
    const bad = (description: string) => ({ ok: false as const, error_code: 400, description: `Bad Request: ${description}` });
    const ok = (result: unknown) => ({ ok: true as const, result });
    switch (method) {
      case 'getMe':
        return ok({
          ...this.me,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        });
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      case 'setWebhook':
        if (typeof p.url !== 'string' || !p.url.startsWith('https://')) return bad('bad webhook: An HTTPS URL must be provided for webhook');
        this.webhook = {
          url: p.url,
          ...(p.secret_token ? { secret_token: p.secret_token } : {}),
          ...(p.allowed_updates ? { allowed_updates: p.allowed_updates } : {}),
        };
        return ok(true);
      case 'setMyCommands': {
        const commands: BotCommand[] = p.commands ?? [];
        if (commands.some((c) => !/^[a-z0-9_]{1,32}$/.test(c.command))) return bad('BOT_COMMAND_INVALID');
        if (commands.some((c) => !c.description || c.description.length > 256)) return bad('command description is invalid');
        this.commands = commands;
        return ok(true);
      }
      case 'getChatMember': {
        const mine = Number(p.user_id) === this.me.id ? this.botMemberships.get(Number(p.chat_id)) : undefined;
        if (mine) return ok(this.botMember(mine));
        const status = this.members.get(`${Number(p.chat_id)}:${Number(p.user_id)}`) ?? 'member';
        return ok({ status, user: makeUser(Number(p.user_id)), ...(status === 'administrator' ? { can_be_edited: false, is_anonymous: false } : {}) });
      }
      case 'sendMessage': {
        const refused = this.mayNotPost(Number(p.chat_id));
        if (refused) return refused;
        const problem = checkText(p) ?? checkMarkup(p.reply_markup);
        if (problem) return bad(problem);
        const chatId = Number(p.chat_id);
        const stored: BotMessage = {
          message_id: this.nextMessageId(chatId),
          chat_id: chatId,
          html: p.text,
          text: parsedText(p),
          edits: 0,
          ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
        };
        this.messages.set(`${chatId}:${stored.message_id}`, stored);
        return ok(this.asMessage(stored));
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const stored = this.messages.get(`${Number(p.chat_id)}:${Number(p.message_id)}`);
        if (!stored) return bad('message to edit not found');
        const problem = (method === 'editMessageText' ? checkText(p) : undefined) ?? checkMarkup(p.reply_markup);
        if (problem) return bad(problem);
        const html = method === 'editMessageText' ? p.text : stored.html;
        if (html === stored.html && JSON.stringify(p.reply_markup ?? null) === JSON.stringify(stored.reply_markup ?? null)) {
          return bad(
            'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        stored.html = html;
        if (method === 'editMessageText') stored.text = parsedText(p);
        if (p.reply_markup) stored.reply_markup = p.reply_markup;
        else delete stored.reply_markup;
        stored.edits++;
        return ok(this.asMessage(stored));
      }
      case 'deleteMessage': {
        const key = `${Number(p.chat_id)}:${Number(p.message_id)}`;
        const own = this.messages.has(key);
        if (!own && !this.othersPosts.has(key)) return bad('message to delete not found');
        const membership = this.botMemberships.get(Number(p.chat_id));
        const channel = this.chats.get(Number(p.chat_id))?.type === 'channel';
        // In a channel: the bot's own posts with Post messages, anyone's with Delete messages.
        const allowed = !channel || (membership?.status === 'administrator' && (own ? membership.can_post_messages : membership.can_delete_messages) === true);
        if (!allowed) return bad("message can't be deleted");
        this.messages.delete(key);
        this.othersPosts.delete(key);
        return ok(true);
      }
      case 'answerCallbackQuery': {
        const query = this.callbackQueries.get(String(p.callback_query_id));
        if (!query || query.answered) return bad('query is too old and response timeout expired or query ID is invalid');
        if (typeof p.text === 'string' && p.text.length > 200) return bad('MESSAGE_TOO_LONG');
        query.answered = true;
        if (p.text !== undefined) query.text = p.text;
        if (p.show_alert !== undefined) query.show_alert = p.show_alert;
        return ok(true);
      }
      default:
        return { ok: false, error_code: 404, description: 'Not Found: method not found' };
    }
  }

  private asMessage(stored: BotMessage): Message {
    return {
      message_id: stored.message_id,
      date: now(),
      chat: this.chatOf(stored.chat_id),
      from: this.me,
      text: stored.text,
      ...(stored.reply_markup ? { reply_markup: stored.reply_markup } : {}),
    } as Message;
  }

  /** The ChatMember object of the bot for a membership (all rights given unless said otherwise). */
  private botMember(membership: BotMembership): Record<string, unknown> {
    if (membership.status !== 'administrator') return { user: this.me, ...membership };
    return {
      status: 'administrator',
      user: this.me,
      can_be_edited: false,
      is_anonymous: false,
      can_manage_chat: true,
      can_change_info: false,
      can_invite_users: false,
      can_restrict_members: false,
      can_promote_members: false,
      can_manage_video_chats: false,
      can_post_stories: false,
      can_edit_stories: false,
      can_delete_stories: false,
      can_post_messages: membership.can_post_messages ?? true,
      can_edit_messages: false,
      can_delete_messages: membership.can_delete_messages ?? true,
    };
  }

  /** Telegram's refusal to post into a chat the bot was removed from, was blocked in, or may not post in; undefined when it may. */
  private mayNotPost(chatId: number): { ok: false; error_code: number; description: string } | undefined {
    const membership = this.botMemberships.get(chatId);
    if (!membership) return undefined;
    const type = this.chats.get(chatId)?.type ?? this.chatOf(chatId).type;
    const refuse = (error_code: number, description: string) => ({ ok: false as const, error_code, description });
    if (type === 'private') return membership.status === 'kicked' ? refuse(403, 'Forbidden: bot was blocked by the user') : undefined;
    if (membership.status === 'left' || membership.status === 'kicked') {
      return type === 'channel'
        ? refuse(403, 'Forbidden: bot is not a member of the channel chat')
        : refuse(403, 'Forbidden: bot was kicked from the group chat');
    }
    if (type === 'channel' && !(membership.status === 'administrator' && membership.can_post_messages !== false)) {
      return refuse(400, 'Bad Request: need administrator rights in the channel chat');
    }
    if (membership.status === 'restricted' && !membership.can_send_messages)
      return refuse(400, 'Bad Request: not enough rights to send text messages to the chat');
    return undefined;
  }

  private chatOf(id: number): Chat {
    const known = this.chats.get(id);
    if (known) return known;
    if (id > 0) return { id, type: 'private', first_name: `User${id}` };
    return String(id).startsWith('-100') ? makeSupergroup(id) : makeGroup(id);
  }

  private nextMessageId(chatId: number): number {
    const next = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, next);
    return next;
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Telegram's checks on a message text: non-empty, valid HTML when parse_mode is HTML, at most 4096 characters after parsing. */
function checkText(p: Record<string, any>): string | undefined {
  if (typeof p.text !== 'string' || p.text.trim() === '') return 'message text is empty';
  if (p.parse_mode === 'HTML') {
    const problem = htmlProblem(p.text);
    if (problem) return `can't parse entities: ${problem}`;
  }
  if (Array.from(parsedText(p)).length > 4096) return 'message is too long';
  return undefined;
}

function checkMarkup(markup: any): string | undefined {
  if (markup === undefined) return undefined;
  if (!Array.isArray(markup.inline_keyboard)) return 'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array';
  for (const row of markup.inline_keyboard) {
    for (const button of row) {
      if (!button.text) return 'text buttons are unallowed in the inline keyboard';
      if (button.callback_data !== undefined) {
        const bytes = Buffer.byteLength(String(button.callback_data), 'utf8');
        if (bytes < 1 || bytes > 64) return 'BUTTON_DATA_INVALID';
      }
    }
  }
  return undefined;
}

/** What is wrong with Telegram HTML, or undefined: unknown or unbalanced tags, bare < > &, unknown entities. */
export function htmlProblem(html: string): string | undefined {
  const stack: string[] = [];
  for (let i = 0; i < html.length; ) {
    const ch = html[i]!;
    if (ch === '<') {
      const tag = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/.exec(html.slice(i));
      if (!tag) return `unsupported start tag at byte offset ${i}`;
      const [whole, closing, name = ''] = tag;
      if (!ALLOWED_TAGS.has(name)) return `unsupported start tag "${name}" at byte offset ${i}`;
      if (closing) {
        if (stack.pop() !== name) return `can't find end tag corresponding to start tag "${name}"`;
      } else stack.push(name);
      i += whole.length;
    } else if (ch === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i.exec(html.slice(i));
      if (!entity) return `unsupported entity at byte offset ${i}`;
      i += entity[0].length;
    } else if (ch === '>') {
      return `unexpected ">" at byte offset ${i}`;
    } else i++;
  }
  return stack.length ? `unclosed tag "${stack.at(-1)}"` : undefined;
}

function parsedText(p: Record<string, any>): string {
  const text = String(p.text ?? '');
  if (p.parse_mode !== 'HTML') return text;
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&amp;/g, '&');
}
