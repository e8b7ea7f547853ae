import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type ActionCodec, createActionCodec } from './actions/action-codec.ts';
import { type Action, type Answer, noticeAnswer } from './answer.ts';
import { type Clock, systemClock } from './clock.ts';
import type { CommandContext, CommandDeps, CommandSpec } from './commands/command.ts';
import { commandSpecs, findCommand } from './commands/index.ts';
import { MAX_SUGGESTIONS } from './commands/suggestions.ts';
import { editDistance, MAX_COMMAND_LENGTH, splitCommandText } from './commands/text.ts';
import { DomainError } from './errors.ts';
import type { Storage } from './ports/storage.ts';
import { type ReachabilityChange, recipientReachable } from './reachability.ts';
import type { RecipientRef } from './recipient.ts';

/**
 * The platform-neutral bot. Adapters hand it what people typed, clicked or are typing, and
 * render the answers; it never throws at them.
 */
export interface Core {
  /** The commands, for adapters that register them with the platform (see `CommandSpec`). */
  readonly commands: readonly CommandSpec[];
  /** Runs command text as typed (`/papers search grokking 2`, `today`, `/follow@PaperBot x`). */
  run(text: string, ctx: CommandContext): Promise<Answer>;
  /** Runs a command from structured arguments (Discord options), validated like text input. */
  execute(name: string, args: unknown, ctx: CommandContext): Promise<Answer>;
  /** Runs what a button does. */
  click(action: Action, ctx: CommandContext): Promise<Answer>;
  /**
   * Suggestions for an option being typed (Discord autocomplete): at most 25, best first;
   * empty for options that suggest nothing. `args` holds the other options filled in so far.
   */
  complete(command: string, option: string, typed: string, ctx: CommandContext, args?: Record<string, unknown>): Promise<string[]>;
  /** Encodes actions into button payloads and decodes clicked payloads back into actions. */
  readonly actions: ActionCodec;
  /**
   * A chat moved to a new id (a Telegram group became a supergroup): its follows, votes and
   * subscription move with it. False when nothing was stored under the old id.
   */
  recipientMoved(platform: string, fromExternalId: string, toExternalId: string): Promise<boolean>;
  /**
   * The bot can (again) or can no longer post to a recipient (added to or removed from a
   * channel, demoted, blocked or unblocked): unreachable pauses its subscription at once, with
   * the reason; reachable records the recipient and resumes a paused subscription. Says what
   * changed. Rejects an invalid ref or reason (a bug in the adapter) and database failures.
   */
  recipientReachable(ref: RecipientRef, reachable: boolean, reason?: string): Promise<ReachabilityChange>;
}

export interface CoreOptions {
  storage: Storage;
  log: Logger;
  clock?: Clock;
}

/** Wires the command layer over the storage ports. */
export function createCore(options: CoreOptions): Core {
  const { storage } = options;
  const deps: CommandDeps = {
    papers: storage.papers,
    recipients: storage.recipients,
    feedback: storage.feedback,
    ranking: storage.ranking,
    subscriptions: storage.subscriptions,
    content: storage.content,
    profiles: storage.profiles,
    log: options.log,
    clock: options.clock ?? systemClock,
  };

  async function invoke(spec: CommandSpec, rawArgs: unknown, ctx: CommandContext): Promise<Answer> {
    const parsed = spec.args.safeParse(rawArgs);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'Those arguments are not valid.';
      return noticeAnswer('Not quite', { tone: 'error', text: message }, [`Usage: ${[spec.name, spec.usage].filter(Boolean).join(' ')}`]);
    }
    const access = typeof spec.access === 'function' ? spec.access(parsed.data) : (spec.access ?? 'anyone');
    if (access === 'managers' && ctx.recipient.kind === 'channel' && !(await ctx.mayManage())) {
      const { what, instead } = spec.manages ?? DAILY_POST;
      throw new DomainError('NotAllowed', `Only ${ctx.managers ?? 'people who can manage this chat'} can change ${what}. Ask one of them, or use ${instead}.`);
    }
    return spec.run(parsed.data, ctx, deps);
  }

  async function guarded(ctx: CommandContext, label: string, work: () => Promise<Answer>): Promise<Answer> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) return noticeAnswer('Not quite', { tone: 'error', text: error.message });
      const reference = randomBytes(4).toString('hex');
      deps.log.error({ err: error, reference, command: label, recipient: ctx.recipient }, 'command failed');
      return noticeAnswer('Something went wrong', { tone: 'error', text: failureText(reference), reference });
    } finally {
      deps.log.debug({ command: label, ms: Math.round(performance.now() - started) }, 'command done');
    }
  }

  function execute(name: string, args: unknown, ctx: CommandContext): Promise<Answer> {
    return guarded(ctx, name, async () => {
      const spec = findCommand(name);
      return spec ? invoke(spec, args, ctx) : unknownCommand(name);
    });
  }

  return {
    commands: commandSpecs,
    actions: createActionCodec(storage.actionTokens),
    run(text, ctx) {
      return guarded(ctx, 'text', async () => {
        if (text.length > MAX_COMMAND_LENGTH) {
          return noticeAnswer('Too long', {
            tone: 'error',
            text: `That message is ${text.length} characters long; commands can be at most ${MAX_COMMAND_LENGTH}.`,
          });
        }
        const { name, rest } = splitCommandText(text);
        if (name === '') return noticeAnswer('paperboy', { tone: 'info', text: 'Type `help` to see what I can do.' });
        const spec = findCommand(name);
        if (!spec) return unknownCommand(name);
        return invoke(spec, spec.fromText(rest), ctx);
      });
    },
    execute,
    click(action, ctx) {
      switch (action.kind) {
        case 'vote':
          return execute('vote', { id: action.paperId, vote: action.vote }, ctx);
        case 'follow':
          return execute(action.follow ? 'follow' : 'unfollow', { topic: action.topic }, ctx);
        case 'page':
          return execute(action.call.command, action.call.args, ctx);
        case 'similar':
          return execute('similar', { paper: action.paperId }, ctx);
      }
    },
    async complete(command, option, typed, ctx, args = {}) {
      const spec = findCommand(command);
      const wanted = spec?.options.find((o) => o.name === option);
      if (wanted?.type !== 'string' || !wanted.complete) return [];
      try {
        return (await wanted.complete(typed, ctx, deps, args)).slice(0, MAX_SUGGESTIONS);
      } catch (error) {
        deps.log.warn({ err: error, command, option }, 'suggestions failed');
        return [];
      }
    },
    recipientMoved: (platform, from, to) => storage.recipients.move(platform, from, to),
    recipientReachable: (ref, reachable, reason) => recipientReachable(deps, ref, reachable, reason),
  };

  function unknownCommand(name: string): Answer {
    const shown = name.length > 30 ? `${name.slice(0, 30)}…` : name;
    const close = commandSpecs
      .filter((s) => !s.hidden)
      .map((s) => ({ name: s.name, distance: editDistance(name.slice(0, 30), s.name) }))
      .filter((s) => s.distance <= 2)
      .sort((a, b) => a.distance - b.distance)[0];
    return noticeAnswer('Unknown command', {
      tone: 'error',
      text: `I don't know “${shown}”.${close ? ` Did you mean \`${close.name}\`?` : ''} Type \`help\` for the list.`,
    });
  }
}

/** What managers-only commands change, unless they say otherwise (`CommandSpec.manages`). */
const DAILY_POST = { what: 'its daily post', instead: '`subscribe` in a private chat with me for your own digest' } as const;

/** What people see when something failed on our side: a reference to quote, the details are in the logs. */
export function failureText(reference: string): string {
  return `Sorry, that failed on my side. If it keeps happening, report reference ${reference}.`;
}
