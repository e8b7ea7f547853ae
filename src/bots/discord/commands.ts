import {
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from 'discord.js';

/** The one chat-input command; everything else is a subcommand of it. */
export const COMMAND_NAME = 'papers';

/** Subcommand names, each run by the core command of the same name. */
export const SUBCOMMANDS = ['today', 'search', 'paper', 'follow', 'unfollow', 'follows', 'subscribe', 'unsubscribe', 'settings', 'help'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Subcommands that answer publicly; everything else is personal (ephemeral). Used to pick how to defer. */
export const PUBLIC_SUBCOMMANDS: ReadonlySet<string> = new Set(['today', 'search', 'paper']);

/**
 * `/papers` with its subcommands, built (and validated) with discord.js's builder.
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
export function papersCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Research-paper recommendations: today, search, follows and daily posts.')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall);

  command.addSubcommand((sub) =>
    sub
      .setName('today')
      .setDescription("The day's top papers, boosted by what you (or this channel) follow.")
      .addStringOption((o) => o.setName('date').setDescription('A day like 2026-11-26, or "yesterday".').setMaxLength(10)),
  );
  command.addSubcommand((sub) =>
    sub
      .setName('search')
      .setDescription('Search papers: words, "exact phrases", -exclude, OR, author:Name or an arXiv id.')
      .addStringOption((o) => o.setName('query').setDescription('What to look for.').setRequired(true).setMaxLength(300))
      .addIntegerOption((o) => o.setName('page').setDescription('Which page of results (default 1).').setMinValue(1).setMaxValue(50)),
  );
  command.addSubcommand((sub) =>
    sub
      .setName('paper')
      .setDescription('One paper in detail, with its abstract and links.')
      .addStringOption((o) => o.setName('id').setDescription('An arXiv id or link, e.g. 2401.01234.').setRequired(true).setMaxLength(200)),
  );
  command.addSubcommand((sub) =>
    sub
      .setName('follow')
      .setDescription('Follow a topic, author:Name or cat:cs.LG; matches rank higher and go into posts.')
      .addStringOption((o) => o.setName('topic').setDescription('grokking, author:Yann LeCun or cat:cs.LG').setRequired(true).setMaxLength(200)),
  );
  command.addSubcommand((sub) =>
    sub
      .setName('unfollow')
      .setDescription('Stop following something.')
      .addStringOption((o) =>
        o.setName('topic').setDescription('One of your follows.').setRequired(true).setMaxLength(200).setAutocomplete(true),
      ),
  );
  command.addSubcommand((sub) => sub.setName('follows').setDescription('List what you (or this channel) follow.'));
  command.addSubcommand((sub) =>
    sub
      .setName('subscribe')
      .setDescription('Get a daily post here (or in a channel) at a local time. Channels need Manage Channels.')
      .addStringOption((o) => o.setName('time').setDescription('Local time, HH:MM like 09:00 or 18:30 (default 09:00).').setMaxLength(8))
      .addStringOption((o) =>
        o.setName('timezone').setDescription('IANA timezone, e.g. Europe/Berlin (default UTC).').setMaxLength(64).setAutocomplete(true),
      )
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Post in this channel instead of here.')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
  );
  command.addSubcommand((sub) =>
    sub
      .setName('unsubscribe')
      .setDescription('Stop the daily post here (or in a channel). Channels need Manage Channels.')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Stop it in this channel instead of here.')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
      ),
  );
  command.addSubcommand((sub) =>
    sub
      .setName('settings')
      .setDescription('Show or change the daily post here: time, timezone, days, papers per post, empty posts.')
      .addStringOption((o) =>
        o
          .setName('setting')
          .setDescription('What to change (leave out to show the settings).')
          .addChoices(
            { name: 'time (HH:MM)', value: 'time' },
            { name: 'timezone (Area/City)', value: 'timezone' },
            { name: 'days (every, weekdays, mon-fri, mon,wed,fri)', value: 'days' },
            { name: 'papers per post (1-10)', value: 'papers' },
            { name: 'post when nothing new matched (on/off)', value: 'empty' },
          ),
      )
      .addStringOption((o) => o.setName('value').setDescription('The new value.').setMaxLength(64).setAutocomplete(true)),
  );
  command.addSubcommand((sub) => sub.setName('help').setDescription('What paperboy can do.'));
  return command;
}

/** The JSON the bot registers with Discord (a bulk overwrite of exactly these commands). */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [papersCommand().toJSON()];
}
