import {
  ApplicationIntegrationType,
  type AutocompleteInteraction,
  type BaseInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  PermissionFlagsBits,
  PermissionsBitField,
} from 'discord.js';
import type { CommandContext, CommandSpec, OptionSpec } from '../../core/commands/command.ts';
import type { RecipientRef } from '../../core/recipient.ts';

/** `RecipientRef.platform` for everything this adapter handles. */
export const PLATFORM = 'discord';

/**
 * Whether the interaction happened in a server where the bot itself is installed, so the
 * channel is a place the bot can post to. A user who installed the app to their account
 * can run `/papers` in other servers too; there the answer is theirs, not the channel's.
 */
function inInstalledGuild(interaction: BaseInteraction): boolean {
  if (!interaction.guildId) return false;
  const owners = (interaction.authorizingIntegrationOwners?.toJSON() ?? {}) as Record<string, string | undefined>;
  // A payload without the map predates user installs: then the bot is in that guild.
  if (Object.keys(owners).length === 0) return true;
  return owners[ApplicationIntegrationType.GuildInstall] === interaction.guildId;
}

/**
 * Who a command acts for: the channel when used in a server channel where the bot is
 * installed (follows, votes and posts are the channel's), else the user (DMs).
 * `mayManage` checks Manage Channels from the permissions Discord computed for this
 * member in this channel (overwrites included), at the moment of the interaction.
 */
export function contextFor(interaction: BaseInteraction): CommandContext {
  if (inInstalledGuild(interaction) && interaction.channelId) {
    return channelContext(interaction.channelId, interaction.memberPermissions);
  }
  return userContext(interaction.user.id);
}

/** A user's own context (DMs): they may always manage their own subscription. */
export function userContext(userId: string): CommandContext {
  return { recipient: { platform: PLATFORM, externalId: userId, kind: 'user' }, mayManage: async () => true };
}

function channelContext(channelId: string, permissions: Readonly<PermissionsBitField> | null): CommandContext {
  const recipient: RecipientRef = { platform: PLATFORM, externalId: channelId, kind: 'channel' };
  return {
    recipient,
    mayManage: async () => permissions?.has(PermissionFlagsBits.ManageChannels) ?? false,
    managers: 'members with the Manage Channels permission',
  };
}

/** Either the context to run a command in, or a refusal to show instead. */
export type TargetResult = { ok: true; ctx: CommandContext } | { ok: false; reason: string };

type TargetOption = Extract<OptionSpec, { type: 'target-channel' }>;

/**
 * The context to run `spec` in. For a command with a `target-channel` option
 * (`subscribe [channel]`, `unsubscribe [channel]`): the chosen channel (the member's
 * permissions there come with the interaction's resolved data) or, without one, the
 * current context. When the option has `posts: true`, also checks the bot can post in that
 * channel, when Discord told us its permissions (`checkPosting: false` skips that, for
 * autocomplete). Any other command runs in the current context (`contextFor`).
 */
export function commandTarget(
  interaction: ChatInputCommandInteraction | AutocompleteInteraction,
  spec: CommandSpec,
  { checkPosting = true }: { checkPosting?: boolean } = {},
): TargetResult {
  const target = spec.options.find((o): o is TargetOption => o.type === 'target-channel');
  const needsToPost = checkPosting && (target?.posts ?? false);
  const option = target ? interaction.options.get(target.name) : null;
  if (!option) {
    const ctx = contextFor(interaction);
    if (needsToPost && ctx.recipient.kind === 'channel') {
      const refusal = cannotPost(interaction.appPermissions, interaction.channel?.type ?? null, `<#${ctx.recipient.externalId}>`);
      if (refusal) return { ok: false, reason: refusal };
    }
    return { ok: true, ctx };
  }
  if (!interaction.guildId) return { ok: false, reason: 'Channels can only be picked inside a server.' };
  if (!inInstalledGuild(interaction)) {
    return { ok: false, reason: 'Invite paperboy to this server first (scopes `bot applications.commands`), so it can post in its channels.' };
  }
  const channelId = String(option.value);
  // A cached channel carries PermissionsBitFields; an uncached one (no Guilds intent) is
  // Discord's raw resolved channel, whose permissions are strings.
  const channel = option.channel as unknown as Record<string, unknown> | null | undefined;
  const type = typeof channel?.type === 'number' ? (channel.type as ChannelType) : null;
  if (needsToPost) {
    const refusal = cannotPost(toPermissions(channel?.appPermissions ?? channel?.app_permissions), type, `<#${channelId}>`);
    if (refusal) return { ok: false, reason: refusal };
  }
  return { ok: true, ctx: channelContext(channelId, toPermissions(channel?.permissions)) };
}

function toPermissions(value: unknown): Readonly<PermissionsBitField> | null {
  if (value instanceof PermissionsBitField) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return new PermissionsBitField(BigInt(value)).freeze();
  return null;
}

/** Why the bot could not post in a channel, from its permissions there (unknown → no objection). */
function cannotPost(app: Readonly<PermissionsBitField> | null, type: ChannelType | null, where: string): string | undefined {
  if (!app) return undefined;
  const isThread = type === ChannelType.PublicThread || type === ChannelType.PrivateThread || type === ChannelType.AnnouncementThread;
  const needed: [bigint, string][] = [
    [PermissionFlagsBits.ViewChannel, 'View Channel'],
    [isThread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages, isThread ? 'Send Messages in Threads' : 'Send Messages'],
    [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  ];
  const missing = needed.filter(([flag]) => !app.has(flag)).map(([, name]) => name);
  return missing.length ? `paperboy cannot post in ${where}: it lacks ${missing.join(', ')} there. Ask an admin to allow it, then subscribe again.` : undefined;
}
