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
import { type Answer, noticeAnswer } from '../../core/answer.ts';
import type { CommandSpec } from '../../core/commands/command.ts';
import { type Core, failureText } from '../../core/core.ts';
import { raceDeadline, TIMED_OUT } from '../../core/deadline.ts';
import type { Logger } from '../../logger.ts';
import { COMMAND_NAME, visibleCommands } from './commands.ts';
import { commandTarget, contextFor } from './context.ts';
import { actionForCustomId, customIdsFor } from './custom-ids.ts';
import { safeError } from './errors.ts';
import { type DiscordMessage, renderAnswer } from './render.ts';

/** Discord drops an interaction that is not acknowledged within 3 s of its creation. */
export const ACK_DEADLINE_MS = 3000;
/** Kept in hand before that deadline for the defer call itself and clock skew. */
const ACK_MARGIN_MS = 1000;
/** Autocomplete cannot be deferred; past this, an empty list is better than none. */
const AUTOCOMPLETE_BUDGET_MS = 2000;
/** Discord shows at most 25 autocomplete choices… */
const MAX_CHOICES = 25;
/** …whose names and values are at most 100 characters. */
const MAX_CHOICE_LENGTH = 100;

export interface DispatcherOptions {
  core: Core;
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

/**
 * The one place that turns Discord interactions into core commands and answers them:
 * slash commands, autocomplete and our buttons. It owns acknowledging within 3 s (answer
 * directly when the core is quick, else defer and edit), ephemeral vs public replies,
 * paging in place, and the friendly error reply with a reference id.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { core, secrets } = options;
  const log = options.log;
  const deferAfterMs = options.deferAfterMs ?? 2000;
  const inFlight = new Set<Promise<void>>();

  async function render(answer: Answer): Promise<DiscordMessage> {
    return renderAnswer(answer, await customIdsFor(core.actions, answer));
  }

  /** The visible core command a `/papers` subcommand runs, if any. */
  function commandOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): CommandSpec | undefined {
    const sub = interaction.commandName === COMMAND_NAME ? interaction.options.getSubcommand(false) : null;
    return sub === null ? undefined : visibleCommands(core.commands).find((spec) => spec.name === sub);
  }

  function body(message: DiscordMessage) {
    return { embeds: message.embeds, components: message.components, allowedMentions: { parse: [] } };
  }

  /** How long to wait before deferring: the configured delay, or less if the interaction is already old. */
  function deferDelay(interaction: Interaction): number {
    const left = interaction.createdTimestamp + ACK_DEADLINE_MS - ACK_MARGIN_MS - Date.now();
    return Math.max(0, Math.min(deferAfterMs, left));
  }

  /** Slash commands: reply when quick, else defer (ephemeral unless the command answers publicly) and edit. */
  async function replyTo(interaction: ChatInputCommandInteraction, expectPublic: boolean, work: () => Promise<Answer>): Promise<void> {
    const rendered = work().then(render);
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
   * Votes and follows answer with an ephemeral confirmation. More like this (`opensNew`, known
   * once the button is decoded) always answers privately, so the list it came from stays.
   */
  async function clickOn(interaction: ButtonInteraction, work: () => Promise<Answer>, opensNew: () => boolean = () => false): Promise<void> {
    const inPlace = () => mayUpdateInPlace(interaction) && !opensNew();
    const rendered = work().then(render);
    const quick = await raceDeadline(rendered, deferDelay(interaction));
    if (quick !== TIMED_OUT) {
      if (!quick.ephemeral && inPlace()) await interaction.update(body(quick));
      else await interaction.reply({ ...body(quick), flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.deferUpdate();
    const late = await rendered;
    if (!late.ephemeral && inPlace()) await interaction.editReply(body(late));
    else await interaction.followUp({ ...body(late), flags: MessageFlags.Ephemeral });
  }

  async function onChatInput(interaction: ChatInputCommandInteraction): Promise<void> {
    const spec = commandOf(interaction);
    if (!spec) {
      await replyTo(interaction, false, async () =>
        noticeAnswer('Unknown command', { tone: 'error', text: 'I do not know that command (yet). Try `/papers help`.' }),
      );
      return;
    }
    const target = commandTarget(interaction, spec);
    if (!target.ok) {
      await replyTo(interaction, false, async () => noticeAnswer('Not possible here', { tone: 'warning', text: target.reason }));
      return;
    }
    await replyTo(interaction, spec.answer === 'public', () => core.execute(spec.name, argsFor(spec, interaction), target.ctx));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const ctx = contextFor(interaction);
    let opensNew = false;
    await clickOn(
      interaction,
      async () => {
        const action = await actionForCustomId(core.actions, interaction.customId);
        if (action === null) return noticeAnswer('Not mine', { tone: 'info', text: 'That button does not belong to paperboy.' });
        if (action === undefined) {
          return noticeAnswer('Button expired', { tone: 'info', text: 'That button is too old to work now. Run the command again.' });
        }
        opensNew = action.kind === 'similar';
        return core.click(action, ctx);
      },
      () => opensNew,
    );
  }

  /** Suggestions from the core for the option being typed, within the time autocomplete allows. */
  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const spec = commandOf(interaction);
    const focused = interaction.options.getFocused(true);
    let choices: { name: string; value: string }[] = [];
    if (spec) {
      const target = commandTarget(interaction, spec, { checkPosting: false });
      const ctx = target.ok ? target.ctx : contextFor(interaction);
      const others = argsFor(spec, interaction, focused.name);
      const found = await raceDeadline(core.complete(spec.name, focused.name, String(focused.value), ctx, others), AUTOCOMPLETE_BUDGET_MS);
      choices = found === TIMED_OUT ? [] : toChoices(found);
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
    const message = renderAnswer(noticeAnswer('Something went wrong', { tone: 'error', text: failureText(reference), reference }), new Map());
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

/**
 * The core arguments of a command, from its Discord options as the spec declares them:
 * strings and integers by name, absent ones left out (`target-channel` options are not
 * arguments: `commandTarget` turns them into the context). `except` leaves out one option
 * (the one being typed, for autocomplete).
 */
function argsFor(spec: CommandSpec, interaction: ChatInputCommandInteraction | AutocompleteInteraction, except?: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const option of spec.options) {
    if (option.name === except) continue;
    const value = interaction.options.get(option.name)?.value;
    if (option.type === 'string' && typeof value === 'string') args[option.name] = value;
    else if (option.type === 'integer' && typeof value === 'number') args[option.name] = value;
  }
  return args;
}

/** Suggestions as Discord choices: at most 25, names and values at most 100 characters (longer values cannot be offered). */
function toChoices(suggestions: readonly string[]): { name: string; value: string }[] {
  return suggestions
    .filter((text) => text.length > 0 && text.length <= MAX_CHOICE_LENGTH)
    .slice(0, MAX_CHOICES)
    .map((text) => ({ name: text, value: text }));
}
