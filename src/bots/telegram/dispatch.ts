import { randomBytes } from 'node:crypto';
import { Composer, type Context, GrammyError } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Action, Answer } from '../../core/answer.ts';
import { type Core, failureText } from '../../core/core.ts';
import type { Logger } from '../../logger.ts';
import { removeCommandPost } from './channel-posts.ts';
import { commandContextFor, TELEGRAM } from './chat-context.ts';
import { knownCommandNames } from './command-menu.ts';
import { shorten } from './html.ts';
import { markFollow, markVote, toInlineKeyboard } from './keyboard.ts';
import { linkPreviewOptions, renderAnswer, type TelegramMessage } from './render.ts';
import { describeError, isNotModified } from './telegram-errors.ts';

/** What the dispatcher needs: the core to run commands, encode and decode buttons and move migrated groups; a logger. */
export interface DispatchDeps {
  core: Core;
  log: Logger;
  /** Redacted from everything logged (the bot token at least). */
  secrets: readonly string[];
}

/** The callback answer for a button whose payload decodes to no action (an unknown token, a foreign payload). */
export const EXPIRED_BUTTON = 'That button has expired. Run the command again.';

/** The text of the `/start` welcome, above the help. */
export const WELCOME_SUBTITLE =
  'Daily research papers from Hugging Face and arXiv, ranked for what you follow. Try /today, /search grokking or /follow grokking.';

/** `/cmd` or `/cmd@BotName` at the start of a message. */
const COMMAND_PREFIX = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)/;

/** HTML, and a link preview only where the message shows a paper's picture (`linkPreviewOptions`). */
function sendOptions(message: TelegramMessage) {
  return { parse_mode: 'HTML', link_preview_options: linkPreviewOptions(message) } as const;
}

/**
 * The Telegram dispatcher: turns messages and button clicks into core commands and renders
 * the answers. It owns the cross-cutting work: `/cmd@BotName` addressing in groups, the
 * `/start` welcome, answering every callback query (with the vote/follow confirmation as
 * its text), editing paged results in place, marking the keyboard after 👍/👎 and Follow,
 * moving a group's data when it becomes a supergroup, and a friendly reply (with a
 * reference id in the logs) when anything fails.
 */
export function createDispatcher(deps: DispatchDeps): Composer<Context> {
  const { core, log, secrets } = deps;
  const known = knownCommandNames(core.commands);
  const composer = new Composer<Context>();

  composer.on('message:migrate_to_chat_id', async (ctx) => {
    await migrate(String(ctx.chat.id), String(ctx.msg.migrate_to_chat_id));
  });
  composer.on('message:migrate_from_chat_id', async (ctx) => {
    await migrate(String(ctx.msg.migrate_from_chat_id), String(ctx.chat.id));
  });

  // Commands in private chats and groups, and channel posts: in a channel, posts come from its
  // admins, signed by the channel itself (sender_chat), and belong to the channel.
  composer.on(['message:text', 'channel_post:text'], async (ctx) => {
    if (ctx.from?.is_bot && ctx.msg.sender_chat === undefined) return;
    const text = ctx.msg.text;
    const command = COMMAND_PREFIX.exec(text);
    const isPrivate = ctx.chat.type === 'private';
    if (!command) {
      // Plain words (`today`, `search grokking`) work in private chats; groups only take commands.
      if (!isPrivate || text.trim() === '') return;
    } else {
      const [, name = '', target] = command;
      if (target && target.toLowerCase() !== ctx.me.username.toLowerCase()) return;
      if (!isPrivate && !target && !known.has(name.toLowerCase())) return;
    }
    const name = command?.[1]?.toLowerCase();
    const commandCtx = commandContextFor(ctx.api, ctx.chat, { from: ctx.from, senderChat: ctx.msg.sender_chat }, log, secrets);
    await guarded(ctx, name ?? 'text', async () => {
      const answer = name === 'start' ? await welcome(commandCtx) : await core.run(text, commandCtx);
      await reply(ctx, answer);
    });
    // The channel's feed keeps the answer, not the command.
    if (ctx.chat.type === 'channel') await removeCommandPost(ctx, log, secrets);
  });

  composer.on('callback_query:data', async (ctx) => {
    let answered = false;
    const answerQuery = async (text?: string, alert = false) => {
      if (answered) return;
      answered = true;
      try {
        await ctx.answerCallbackQuery(text ? { text: shorten(text, 200), show_alert: alert } : undefined);
      } catch (error) {
        // A query older than Telegram's answer window cannot be answered any more; the work still counts.
        if (!(error instanceof GrammyError && error.error_code === 400)) throw error;
        log.debug({ error: describeError(error, secrets) }, 'callback query could not be answered');
      }
    };
    try {
      const tell = async (text: string) => {
        if (answered) await ctx.reply(`❌ ${text}`);
        else await answerQuery(text, true);
      };
      await guarded(ctx, 'button', () => onClick(ctx, answerQuery), tell);
    } finally {
      if (!answered) await answerQuery().catch(() => undefined);
    }
  });

  return composer;

  async function onClick(ctx: Context & { callbackQuery: { data: string } }, answerQuery: (text?: string, alert?: boolean) => Promise<void>): Promise<void> {
    const message = ctx.callbackQuery.message;
    if (!ctx.chat || !message) return answerQuery('This button only works inside a chat.', true);
    const action = await core.actions.decode(ctx.callbackQuery.data);
    if (!action) return answerQuery(EXPIRED_BUTTON, true);

    const commandCtx = commandContextFor(ctx.api, ctx.chat, { from: ctx.from }, log, secrets);
    const answer = await core.click(action, commandCtx);
    const markup = 'reply_markup' in message ? message.reply_markup : undefined;

    if (action.kind === 'vote' || action.kind === 'follow') {
      // A confirmation in the callback answer, and the keyboard re-marked to the new state.
      const refused = answer.notice?.tone === 'error' || answer.notice?.tone === 'warning';
      await answerQuery(answer.notice?.text ?? answer.title, refused);
      if (refused || !markup) return;
      const next = await remarked(action, markup);
      await ctx.editMessageReplyMarkup({ reply_markup: next }).catch(ignoreNotModified);
      return;
    }

    // More like this: a new message, so the list (or daily post) it came from stays.
    if (action.kind === 'similar') {
      if (answer.cards.length === 0 && answer.notice) return answerQuery(answer.notice.text, answer.notice.tone === 'error');
      await answerQuery();
      await reply(ctx, answer);
      return;
    }

    // Paging: show the new answer in place of the old one.
    if (answer.cards.length === 0 && answer.notice?.tone === 'error') return answerQuery(answer.notice.text, true);
    await answerQuery();
    const [rendered] = renderAnswer(answer);
    if (!rendered) return;
    const reply_markup = await toInlineKeyboard(core.actions, rendered.keyboard);
    try {
      await ctx.editMessageText(rendered.html, { ...sendOptions(rendered), ...(reply_markup ? { reply_markup } : {}) });
    } catch (error) {
      if (isNotModified(error)) return;
      if (error instanceof GrammyError && error.error_code === 400 && /can't be edited|not found|inaccessible/i.test(error.description)) {
        await reply(ctx, answer);
        return;
      }
      throw error;
    }
  }

  /** The posted keyboard after a vote or follow click went through. */
  function remarked(action: Extract<Action, { kind: 'vote' | 'follow' }>, markup: InlineKeyboardMarkup): Promise<InlineKeyboardMarkup> {
    return action.kind === 'vote'
      ? markVote(core.actions, markup, action.paperId, action.vote === 'clear' ? null : action.vote)
      : markFollow(core.actions, markup, action.topic, action.follow);
  }

  async function welcome(commandCtx: Parameters<Core['run']>[1]): Promise<Answer> {
    const help = await core.run('help', commandCtx);
    return { ...help, title: 'Welcome to paperboy 👋', subtitle: WELCOME_SUBTITLE };
  }

  /** Sends an answer as one message; in groups it replies to the command so the thread stays readable. */
  async function reply(ctx: Context, answer: Answer): Promise<void> {
    const [rendered] = renderAnswer(answer);
    if (!rendered) return;
    const reply_markup = await toInlineKeyboard(core.actions, rendered.keyboard);
    const inGroup = ctx.chat?.type !== 'private' && ctx.message !== undefined;
    await ctx.reply(rendered.html, {
      ...sendOptions(rendered),
      ...(reply_markup ? { reply_markup } : {}),
      ...(inGroup && ctx.message ? { reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true } } : {}),
    });
  }

  async function migrate(fromId: string, toId: string): Promise<void> {
    const moved = await core.recipientMoved(TELEGRAM, fromId, toId);
    log.info({ fromChatId: fromId, toChatId: toId, moved }, 'telegram group became a supergroup');
  }

  /**
   * Runs one update's work; on failure logs the redacted error with a reference id and
   * tells the user (a reply, or the callback answer for buttons). A chat that blocked the
   * bot is not answered.
   */
  async function guarded(ctx: Context, label: string, work: () => Promise<void>, tell?: (text: string) => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const reference = randomBytes(4).toString('hex');
      log.error(
        { reference, command: label, chatId: ctx.chat?.id, updateId: ctx.update.update_id, error: describeError(error, secrets) },
        'telegram update failed',
      );
      if (error instanceof GrammyError && error.error_code === 403) return;
      const text = failureText(reference);
      try {
        if (tell) await tell(text);
        else await ctx.reply(`❌ ${text}`);
      } catch (replyError) {
        log.warn({ reference, error: describeError(replyError, secrets) }, 'could not send the error reply');
      }
    }
  }
}

function ignoreNotModified(error: unknown): void {
  if (!isNotModified(error)) throw error;
}
