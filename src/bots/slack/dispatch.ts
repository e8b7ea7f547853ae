import { randomBytes } from 'node:crypto';
import type { App, RespondArguments, webApi } from '@slack/bolt';
import type { Action, Answer } from '../../core/answer.ts';
import type { CommandContext } from '../../core/commands/command.ts';
import { type Core, failureText } from '../../core/core.ts';
import type { Logger } from '../../logger.ts';
import { commandContextFor, type SlackPlace } from './context.ts';
import { homeView } from './home.ts';
import { unescapeMrkdwn } from './mrkdwn.ts';
import { ACTION_ID_PREFIX, buttonValues, renderAnswer } from './render.ts';
import { describeError } from './slack-errors.ts';

/** The one slash command; every core command is a subcommand of it (`/papers search grokking`). */
export const SLASH_COMMAND = '/papers';

/** What a button whose value decodes to no action answers (an unknown token, a foreign value). */
export const EXPIRED_BUTTON = 'That button has expired. Run the command again.';

/** Added under a refusal when the person asking was found not to manage the channel. */
export const SLACK_MANAGERS =
  'On Slack, a channel’s daily post is managed by workspace admins and owners and by the channel’s creator. Use `/papers subscribe` in a direct message with me for your own.';

export interface DispatchDeps {
  core: Core;
  log: Logger;
  /** Redacted from everything logged (the tokens, the signing secret). */
  secrets: readonly string[];
}

export interface Dispatcher {
  /** Resolves when every command and click being handled has been answered (for a clean stop). */
  idle(): Promise<void>;
}

/**
 * The Slack dispatcher, installed on a Bolt app: `/papers <command>`, clicks on our buttons
 * (action_ids `pb:…`, the core's typed action in the value) and the Home tab. It owns the
 * cross-cutting work: acknowledging within Slack's 3 s (always first, before the core runs),
 * answering through the response_url (ephemeral for personal answers, in the channel for public
 * ones), paging in place where the message is the clicker's own, re-publishing the Home tab
 * after a click there, and a friendly reply (with a reference id in the logs) when anything fails.
 */
export function installDispatcher(app: App, deps: DispatchDeps): Dispatcher {
  const { core, log, secrets } = deps;
  const inFlight = new Set<Promise<void>>();

  /** Runs one handler's work after the ack, tracked for `idle()`; failures are logged and told. */
  function track(label: string, work: () => Promise<void>, tell?: (text: string) => Promise<unknown>): Promise<void> {
    const done = (async () => {
      try {
        await work();
      } catch (error) {
        const reference = randomBytes(4).toString('hex');
        log.error({ reference, command: label, error: describeError(error, secrets) }, 'slack request failed');
        try {
          await tell?.(failureText(reference));
        } catch (second) {
          log.warn({ reference, error: describeError(second, secrets) }, 'slack: could not tell the user about a failure');
        }
      }
    })();
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    return done;
  }

  async function message(answer: Answer, extra: Partial<Reply> = {}): Promise<RespondArguments> {
    const rendered = renderAnswer(answer, await buttonValues(core.actions, answer));
    const reply: Reply = { response_type: rendered.ephemeral ? 'ephemeral' : 'in_channel', text: rendered.text, blocks: rendered.blocks, ...extra };
    return reply as RespondArguments;
  }

  /** The context for a place, remembering whether the person was found not to manage the channel. */
  function contextFor(client: webApi.WebClient, place: SlackPlace): { ctx: CommandContext; refused: () => Promise<boolean> } {
    const inner = commandContextFor(client, place, log, secrets);
    let asked: Promise<boolean> | undefined;
    const ctx: CommandContext = { ...inner, mayManage: () => (asked ??= inner.mayManage()) };
    return { ctx, refused: async () => (asked ? !(await asked) : false) };
  }

  /** A refusal after a failed manager check says who manages a channel on Slack. */
  async function explained(answer: Answer, refused: () => Promise<boolean>): Promise<Answer> {
    return answer.notice?.tone === 'error' && (await refused()) ? { ...answer, subtitle: SLACK_MANAGERS } : answer;
  }

  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const text = unescapeMrkdwn(command.text ?? '').trim() || 'help';
    const place = { channelId: command.channel_id, userId: command.user_id };
    await track(
      text.split(/\s+/)[0] ?? 'text',
      async () => {
        const { ctx, refused } = contextFor(client, place);
        const answer = await explained(await core.run(text, ctx), refused);
        await respond(await message(answer));
      },
      (failure) => respond({ response_type: 'ephemeral', text: `❌ ${failure}` }),
    );
  });

  app.action({ type: 'block_actions', action_id: new RegExp(`^${ACTION_ID_PREFIX}`) }, async ({ ack, body, action, respond, client }) => {
    await ack();
    const onHome = body.view?.type === 'home';
    const place: SlackPlace = { channelId: onHome ? undefined : body.channel?.id, userId: body.user.id };
    const publishHome = async (options: Parameters<typeof homeView>[2]) => {
      const view = await homeView(core, contextFor(client, { userId: body.user.id }).ctx, options);
      await client.views.publish({ user_id: body.user.id, view });
    };
    const tell = (text: string) =>
      onHome ? publishHome({ notice: { tone: 'error', text } }) : respond({ response_type: 'ephemeral', replace_original: false, text: `❌ ${text}` });
    await track(
      'button',
      async () => {
        const payload = 'value' in action && typeof action.value === 'string' ? action.value : '';
        const decoded = payload ? await core.actions.decode(payload) : undefined;
        if (!decoded) {
          if (onHome) await publishHome({ notice: { tone: 'info', text: EXPIRED_BUTTON } });
          else await respond({ response_type: 'ephemeral', replace_original: false, text: EXPIRED_BUTTON });
          return;
        }
        const { ctx, refused } = contextFor(client, place);
        const answer = await explained(await core.click(decoded, ctx), refused);
        if (onHome) {
          await publishHome(confirms(decoded) ? (answer.notice ? { notice: answer.notice } : {}) : { focus: answer });
          return;
        }
        await respond(await clickReply(decoded, answer, body.container?.is_ephemeral === true, ctx.recipient.kind === 'user'));
      },
      tell,
    );
  });

  /**
   * How a click in a message is answered. Votes and follows: a private confirmation. Paging:
   * the new page in place of the old when the message is the clicker's own (ephemeral, or in
   * their direct messages), else privately, so a channel's list or daily post stays. More like
   * this: a new message, private in a channel.
   */
  async function clickReply(action: Action, answer: Answer, ephemeral: boolean, direct: boolean): Promise<RespondArguments> {
    if (confirms(action) || (answer.cards.length === 0 && answer.notice?.tone === 'error')) {
      return message({ ...answer, visibility: 'personal' }, { replace_original: false });
    }
    if (action.kind === 'page' && (ephemeral || direct)) {
      return message(answer, { replace_original: true, ...(ephemeral ? { response_type: 'ephemeral' } : { response_type: 'in_channel' }) });
    }
    return message({ ...answer, visibility: direct ? answer.visibility : 'personal' }, { replace_original: false });
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== undefined && event.tab !== 'home') return;
    await track('home', async () => {
      const view = await homeView(core, contextFor(client, { userId: event.user }).ctx);
      await client.views.publish({ user_id: event.user, view });
    });
  });

  app.error(async (error) => {
    log.error({ error: describeError(error, secrets) }, 'slack: bolt error');
  });

  return {
    async idle() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** What paperboy posts to a response_url. */
interface Reply {
  response_type: 'ephemeral' | 'in_channel';
  /** Replace the message clicked on (true) or post a new one (false). */
  replace_original?: boolean;
  text: string;
  blocks: ReturnType<typeof renderAnswer>['blocks'];
}

/** Votes and follows answer with a confirmation rather than a list. */
function confirms(action: Action): boolean {
  return action.kind === 'vote' || action.kind === 'follow';
}
