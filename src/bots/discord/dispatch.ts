import { randomBytes } from 'node:crypto';
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  InteractionContextType,
  MessageFlags,
  RESTJSONErrorCodes,
} from 'discord.js';
import type { Kysely } from 'kysely';
import { type Answer, noticeAnswer } from '../../core/answer.ts';
import type { Core } from '../../core/core.ts';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import { followChoices, timezoneChoices } from './autocomplete.ts';
import { COMMAND_NAME, PUBLIC_SUBCOMMANDS, SUBCOMMANDS } from './commands.ts';
import { contextFor, subscriptionTarget } from './context.ts';
import { commandForCustomId, customIdsFor } from './custom-ids.ts';
import { safeError } from './errors.ts';
import { type DiscordMessage, renderAnswer } from './render.ts';

/** Discord drops an interaction that is not acknowledged within 3 s of its creation. */
export const ACK_DEADLINE_MS = 3000;
/** Kept in hand before that deadline for the defer call itself and clock skew. */
const ACK_MARGIN_MS = 1000;
/** Autocomplete cannot be deferred; past this, an empty list is better than none. */
const AUTOCOMPLETE_BUDGET_MS = 2000;

export interface DispatcherOptions {
  core: Core;
  db: Kysely<Database>;
  log: Logger;
  /** Strings to redact from anything logged (the bot token). */
  secrets: readonly string[];
  /**
   * How long to wait for an answer before deferring (default 2000 ms). Also bounded by the
   * interaction's age: an interaction that arrives late is deferred sooner.
   */
  deferAfterMs?: number;
}

export interface Dispatcher {
  /** Handles one interaction: acknowledges it in time, runs the command, answers. Never throws. */
  handle(interaction: Interaction): Promise<void>;
  /** Resolves when every interaction being handled has been answered (for a clean stop). */
  idle(): Promise<void>;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The one place that turns Discord interactions into core commands and answers them:
 * slash commands, autocomplete and our buttons. It owns acknowledging within 3 s (answer
 * directly when the core is quick, else defer and edit), ephemeral vs public replies,
 * paging in place, and the friendly error reply with a reference id.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { core, db, secrets } = options;
  const log = options.log;
  const deferAfterMs = options.deferAfterMs ?? 2000;
  const inFlight = new Set<Promise<void>>();

  async function render(answer: Answer): Promise<DiscordMessage> {
    return renderAnswer(answer, await customIdsFor(db, answer));
  }

  function body(message: DiscordMessage) {
    return { embeds: message.embeds, components: message.components, allowedMentions: { parse: [] } };
  }

  /** How long to wait before deferring: the configured delay, or less if the interaction is already old. */
  function deferDelay(interaction: Interaction): number {
    const left = interaction.createdTimestamp + ACK_DEADLINE_MS - ACK_MARGIN_MS - Date.now();
    return Math.max(0, Math.min(deferAfterMs, left));
  }

  async function raceDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), ms);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Slash commands: reply when quick, else defer (ephemeral unless the subcommand answers publicly) and edit. */
  async function replyTo(interaction: ChatInputCommandInteraction, expectPublic: boolean, work: () => Promise<Answer>): Promise<void> {
    const rendered = work().then(render);
    rendered.catch(() => {}); // awaited below; this only keeps a lost race from being "unhandled"
    const quick = await raceDeadline(rendered, deferDelay(interaction));
    if (quick !== TIMED_OUT) {
      await interaction.reply({ ...body(quick), ...(quick.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
      return;
    }
    await interaction.deferReply(expectPublic ? {} : { flags: MessageFlags.Ephemeral });
    const late = await rendered;
    if (late.ephemeral && expectPublic) {
      // A public "thinking…" cannot turn ephemeral: replace it with a private follow-up.
      await interaction.deleteReply();
      await interaction.followUp({ ...body(late), flags: MessageFlags.Ephemeral });
    } else {
      await interaction.editReply(body(late));
    }
  }

  /**
   * Buttons: paging updates the message in place when it is the clicker's own answer (or
   * private); on someone else's message or a scheduled post it answers privately instead.
   * Votes and follows answer with an ephemeral confirmation.
   */
  async function clickOn(interaction: ButtonInteraction, work: () => Promise<Answer>): Promise<void> {
    const inPlace = mayUpdateInPlace(interaction);
    const rendered = work().then(render);
    rendered.catch(() => {});
    const quick = await raceDeadline(rendered, deferDelay(interaction));
    if (quick !== TIMED_OUT) {
      if (!quick.ephemeral && inPlace) await interaction.update(body(quick));
      else await interaction.reply({ ...body(quick), flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.deferUpdate();
    const late = await rendered;
    if (!late.ephemeral && inPlace) await interaction.editReply(body(late));
    else await interaction.followUp({ ...body(late), flags: MessageFlags.Ephemeral });
  }

  async function onChatInput(interaction: ChatInputCommandInteraction): Promise<void> {
    const sub = interaction.commandName === COMMAND_NAME ? interaction.options.getSubcommand(false) : null;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      await replyTo(interaction, false, async () =>
        noticeAnswer('Unknown command', { tone: 'error', text: 'I do not know that command (yet). Try `/papers help`.' }),
      );
      return;
    }
    if (sub === 'subscribe' || sub === 'unsubscribe') {
      const target = subscriptionTarget(interaction, sub === 'subscribe');
      if (!target.ok) {
        await replyTo(interaction, false, async () => noticeAnswer('Not possible here', { tone: 'warning', text: target.reason }));
        return;
      }
      await replyTo(interaction, false, () => core.execute(sub, argsFor(sub, interaction), target.ctx));
      return;
    }
    const ctx = contextFor(interaction);
    await replyTo(interaction, PUBLIC_SUBCOMMANDS.has(sub), () => core.execute(sub, argsFor(sub, interaction), ctx));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const ctx = contextFor(interaction);
    await clickOn(interaction, async () => {
      const command = await commandForCustomId(db, interaction.customId);
      if (command === null) return noticeAnswer('Not mine', { tone: 'info', text: 'That button does not belong to paperboy.' });
      if (command === undefined) {
        return noticeAnswer('Button expired', { tone: 'info', text: 'That button is too old to work now. Run the command again.' });
      }
      return core.run(command, ctx);
    });
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const sub = interaction.options.getSubcommand(false);
    let choices: { name: string; value: string }[] = [];
    if (sub === 'unfollow' && focused.name === 'topic') {
      const found = await raceDeadline(followChoices(db, contextFor(interaction).recipient, String(focused.value)), AUTOCOMPLETE_BUDGET_MS);
      choices = found === TIMED_OUT ? [] : found;
    } else if (sub === 'subscribe' && focused.name === 'timezone') {
      choices = timezoneChoices(String(focused.value));
    } else if (sub === 'settings' && focused.name === 'value' && interaction.options.getString('setting') === 'timezone') {
      choices = timezoneChoices(String(focused.value));
    }
    await interaction.respond(choices);
  }

  async function failed(interaction: Interaction, error: unknown): Promise<void> {
    if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownInteraction) {
      log.warn({ err: safeError(error, secrets), interactionId: interaction.id }, 'interaction expired before it was answered');
      return;
    }
    const reference = randomBytes(4).toString('hex');
    log.error({ err: safeError(error, secrets), reference, interactionId: interaction.id }, 'discord interaction failed');
    if (!interaction.isRepliable()) return;
    const message = renderAnswer(
      noticeAnswer('Something went wrong', {
        tone: 'error',
        text: `Sorry, that failed on my side. If it keeps happening, report reference ${reference}.`,
        reference,
      }),
      new Map(),
    );
    try {
      if (!interaction.deferred && !interaction.replied) {
        await interaction.reply({ ...body(message), flags: MessageFlags.Ephemeral });
      } else if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied && interaction.ephemeral) {
        await interaction.editReply(body(message)); // the private "thinking…" becomes the error
      } else {
        // A public "thinking…" must not stay forever, nor show the error to everyone.
        if (interaction.isChatInputCommand() && interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => {});
        await interaction.followUp({ ...body(message), flags: MessageFlags.Ephemeral });
      }
    } catch (second) {
      log.warn({ err: safeError(second, secrets), reference }, 'could not tell the user about a failure');
    }
  }

  async function dispatch(interaction: Interaction): Promise<void> {
    const started = performance.now();
    try {
      if (interaction.isChatInputCommand()) await onChatInput(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
      else if (interaction.isButton()) await onButton(interaction);
      else return;
    } catch (error) {
      await failed(interaction, error);
    } finally {
      log.debug({ interactionId: interaction.id, type: interaction.type, ms: Math.round(performance.now() - started) }, 'interaction handled');
    }
  }

  return {
    handle(interaction) {
      const done = dispatch(interaction);
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
      return done;
    },
    async idle() {
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Whether a button may change the message it is on: the clicker's own answer, or one only they see. */
function mayUpdateInPlace(interaction: ButtonInteraction): boolean {
  const message = interaction.message;
  if (message.flags.has(MessageFlags.Ephemeral) || interaction.context === InteractionContextType.BotDM) return true;
  const owner = message.interactionMetadata?.user?.id ?? message.interaction?.user?.id;
  return owner === interaction.user.id;
}

/** The core arguments for a subcommand, from its options (absent options left out). */
function argsFor(sub: string, interaction: ChatInputCommandInteraction): Record<string, unknown> {
  const o = interaction.options;
  const raw: Record<string, unknown> =
    sub === 'today'
      ? { date: o.getString('date') }
      : sub === 'search'
        ? { query: o.getString('query'), page: o.getInteger('page') }
        : sub === 'paper'
          ? { id: o.getString('id') }
          : sub === 'follow' || sub === 'unfollow'
            ? { topic: o.getString('topic') }
            : sub === 'subscribe'
              ? { time: o.getString('time'), timezone: o.getString('timezone') }
              : sub === 'settings'
                ? { setting: o.getString('setting') ?? 'show', value: o.getString('value') ?? '' }
                : {};
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null && value !== undefined));
}
