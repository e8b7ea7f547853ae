import {
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { CommandSpec, OptionSpec } from '../../core/commands/command.ts';
import { clip } from './render.ts';

/** The one chat-input command; everything else is a subcommand of it. */
export const COMMAND_NAME = 'papers';

/** Discord's limit on command, option and choice descriptions (and choice names). */
const MAX_DESCRIPTION = 100;

/** The core commands offered as subcommands of `/papers`: every one not hidden (buttons run the hidden ones). */
export function visibleCommands(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.filter((spec) => !spec.hidden);
}

/**
 * `/papers` with one subcommand per visible core command, built (and validated) with
 * discord.js's builder from the commands' own declarations (`CommandSpec.options`): a new
 * core command shows up here without any Discord code.
 *
 * About `default_member_permissions`: Discord applies it to a whole command, never to one
 * subcommand, and `/papers today` must stay usable by everyone. So it is deliberately left
 * unset (everyone may run `/papers`), and the real gate for `subscribe`/`unsubscribe` is the
 * run-time check in `context.ts`: the member's Manage Channels permission in the target channel,
 * computed by Discord with the channel's overwrites and sent with every interaction. Server
 * admins can still narrow `/papers` for roles or channels in Server Settings → Integrations;
 * that override can only restrict further, never bypass the run-time check.
 *
 * Contexts: guild channels, the bot's DM and (for users who installed the app to their
 * account) other private channels; integration types: server install and user install.
 */
export function papersCommand(specs: readonly CommandSpec[]): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Research-paper recommendations: today, search, follows and daily posts.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall);
  for (const spec of visibleCommands(specs)) {
    command.addSubcommand((sub) => {
      sub.setName(spec.name).setDescription(describe(spec.summary));
      for (const option of spec.options) addOption(sub, option);
      return sub;
    });
  }
  return command;
}

/** The JSON the bot registers with Discord (a bulk overwrite of exactly these commands). */
export function commandDefinitions(specs: readonly CommandSpec[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [papersCommand(specs).toJSON()];
}

/** One core option as a Discord option: string, integer, or a channel picker for `target-channel`. */
function addOption(sub: SlashCommandSubcommandBuilder, option: OptionSpec): void {
  switch (option.type) {
    case 'string':
      sub.addStringOption((o) => {
        o.setName(option.name)
          .setDescription(describe(option.description))
          .setRequired(option.required ?? false);
        if (option.maxLength !== undefined) o.setMaxLength(option.maxLength);
        if (option.choices?.length) o.addChoices(...option.choices.map((c) => ({ name: describe(c.name), value: c.value })));
        else if (option.complete) o.setAutocomplete(true); // Discord allows choices or autocomplete, not both
        return o;
      });
      return;
    case 'integer':
      sub.addIntegerOption((o) => {
        o.setName(option.name)
          .setDescription(describe(option.description))
          .setRequired(option.required ?? false);
        if (option.min !== undefined) o.setMinValue(option.min);
        if (option.max !== undefined) o.setMaxValue(option.max);
        return o;
      });
      return;
    case 'target-channel':
      sub.addChannelOption((o) =>
        o.setName(option.name).setDescription(describe(option.description)).addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      );
      return;
  }
}

/** Descriptions (and choice names) as Discord takes them: 1 to 100 characters. */
function describe(text: string): string {
  return clip(text.trim() || '-', MAX_DESCRIPTION);
}
