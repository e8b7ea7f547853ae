import { randomBytes } from 'node:crypto';
import { PermissionFlagsBits } from 'discord.js';
import { snowflake } from '../fakes/discord-server.ts';

/** Where an interaction happens and who triggers it. */
export interface Where {
  userId: string;
  channelId: string;
  /** Absent in DMs. */
  guildId?: string;
  /** The member's permissions in the channel (Discord computes them with overwrites). */
  permissions?: bigint;
  /** The bot's permissions in the channel. */
  appPermissions?: bigint;
  /** Whether the bot is installed in the guild (default true); false = user-installed app used elsewhere. */
  botInstalled?: boolean;
}

/** What a plain member has: see, talk, use commands. No Manage Channels. */
export const MEMBER =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.UseApplicationCommands | PermissionFlagsBits.ReadMessageHistory;
/** A moderator: a member plus Manage Channels. */
export const MODERATOR = MEMBER | PermissionFlagsBits.ManageChannels;
/** What the bot has where it can post embeds. */
export const BOT_CAN_POST = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks;

export type Option = { name: string; type: number; value: string | number; focused?: boolean };

export const OptionType = { Subcommand: 1, String: 3, Integer: 4, Channel: 7 } as const;

export const str = (name: string, value: string): Option => ({ name, type: OptionType.String, value });
export const int = (name: string, value: number): Option => ({ name, type: OptionType.Integer, value });
export const focused = (name: string, value: string): Option => ({ name, type: OptionType.String, value, focused: true });

/** A guild text channel with a member. */
export function inGuild(userId: string, channelId: string, guildId: string, permissions = MEMBER, appPermissions = BOT_CAN_POST): Where {
  return { userId, channelId, guildId, permissions, appPermissions };
}

/** The bot's DM with a user. */
export function inDm(userId: string, channelId = `${userId.slice(0, -2)}99`): Where {
  return { userId, channelId };
}

function user(id: string) {
  return { id, username: `user${id.slice(-4)}`, discriminator: '0', global_name: `User ${id.slice(-4)}`, avatar: null, public_flags: 0 };
}

function base(applicationId: string, where: Where, type: number) {
  const inGuildChannel = where.guildId !== undefined;
  return {
    id: snowflake(),
    application_id: applicationId,
    type,
    token: `itok-${randomBytes(24).toString('base64url')}`,
    version: 1,
    locale: 'en-US',
    app_permissions: String(where.appPermissions ?? BOT_CAN_POST),
    entitlements: [],
    attachment_size_limit: 10_485_760,
    ...(inGuildChannel
      ? {
          guild_id: where.guildId,
          guild_locale: 'en-US',
          guild: { id: where.guildId, locale: 'en-US', features: [] },
          channel_id: where.channelId,
          channel: { id: where.channelId, type: 0, guild_id: where.guildId, name: 'papers', nsfw: false, parent_id: null, position: 0, flags: 0 },
          member: {
            user: user(where.userId),
            roles: [],
            joined_at: '2024-01-01T00:00:00.000Z',
            deaf: false,
            mute: false,
            flags: 0,
            pending: false,
            nick: null,
            avatar: null,
            premium_since: null,
            communication_disabled_until: null,
            permissions: String(where.permissions ?? MEMBER),
          },
          authorizing_integration_owners: where.botInstalled === false ? { '1': where.userId } : { '0': where.guildId },
          context: 0,
        }
      : {
          channel_id: where.channelId,
          channel: { id: where.channelId, type: 1, last_message_id: null, flags: 0, recipients: [user(where.userId)] },
          user: user(where.userId),
          authorizing_integration_owners: { '0': '0' },
          context: 1,
        }),
  };
}

/** `/papers <sub> [options]` as Discord sends it. `resolved` carries channel options' data. */
export function slash(applicationId: string, where: Where, sub: string, options: Option[] = [], resolved?: unknown) {
  return {
    ...base(applicationId, where, 2),
    data: {
      id: '1200000000000000000',
      name: 'papers',
      type: 1,
      ...(where.guildId ? { guild_id: where.guildId } : {}),
      options: [{ type: OptionType.Subcommand, name: sub, options }],
      ...(resolved ? { resolved } : {}),
    },
  };
}

/** An autocomplete request while typing an option of `/papers <sub>`. */
export function autocomplete(applicationId: string, where: Where, sub: string, options: Option[]) {
  return {
    ...base(applicationId, where, 4),
    data: { id: '1200000000000000000', name: 'papers', type: 1, options: [{ type: OptionType.Subcommand, name: sub, options }] },
  };
}

/** A click on a button of `message` (as the fake Discord holds it). */
export function click(applicationId: string, where: Where, customId: string, message: unknown) {
  return { ...base(applicationId, where, 3), message, data: { custom_id: customId, component_type: 2 } };
}

/** A channel option pointing at another channel, with the member's and bot's permissions there. */
export function channelOption(channelId: string, memberPermissions: bigint, botPermissions: bigint = BOT_CAN_POST) {
  return {
    option: { name: 'channel', type: OptionType.Channel, value: channelId } as Option,
    resolved: {
      channels: {
        [channelId]: { id: channelId, name: 'announcements', type: 0, permissions: String(memberPermissions), app_permissions: String(botPermissions) },
      },
    },
  };
}

/** Every button of a message: label, custom_id or url. */
export function buttonsOf(message: { components?: any[] }): { label: string; custom_id?: string; url?: string; style: number }[] {
  return (message.components ?? []).flatMap((row: any) => row.components);
}
