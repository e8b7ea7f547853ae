import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, Events } from 'discord.js';
import type { Env } from '../../config.ts';
import type { Core } from '../../core/core.ts';
import { raceDeadline, TIMED_OUT } from '../../core/deadline.ts';
import type { DeliveryPort } from '../../core/delivery-port.ts';
import { type Logger, redact } from '../../logger.ts';
import { createDiscordClient, createDiscordRest } from './client.ts';
import { commandDefinitions } from './commands.ts';
import { createDiscordDeliveryPort } from './delivery.ts';
import { createDispatcher } from './dispatch.ts';
import { safeError } from './errors.ts';
import { registerCommands } from './register.ts';
import { planShards, type ShardStatus, shardStatus } from './shards.ts';

export interface StartDiscordOptions {
  /** DISCORD_TOKEN and DISCORD_APPLICATION_ID are required; DISCORD_API_ROOT, DISCORD_GUILD_ID and the shard settings optional. */
  config: Pick<Env, 'DISCORD_TOKEN' | 'DISCORD_APPLICATION_ID' | 'DISCORD_API_ROOT' | 'DISCORD_GUILD_ID'> &
    Partial<Pick<Env, 'DISCORD_SHARD_COUNT' | 'DISCORD_SHARD_IDS'>>;
  /** Runs the commands and clicks, and declares the commands registered as `/papers` subcommands. */
  core: Core;
  log: Logger;
  /** Wait this long for an answer before deferring an interaction (default 2000 ms). */
  deferAfterMs?: number;
  /** Give up starting when not connected and ready by then (default 60 s). */
  readyTimeoutMs?: number;
}

export interface DiscordBot {
  /** Posts scheduled answers to Discord channels and DMs (`platform: 'discord'`). */
  port: DeliveryPort;
  /** The logged-in discord.js client, for diagnostics; paperboy code should not need it. */
  client: Client;
  /** Stops taking interactions, lets those in progress finish (up to 5 s), then disconnects. Idempotent. */
  stop(): Promise<void>;
  /** Whether every gateway shard this instance holds is ready (false while one reconnects); for /healthz. */
  connected(): boolean;
  /** The shards this instance holds (of how many over all instances) and whether each is ready; for /healthz and /metrics. */
  shards(): ShardStatus;
}

/** Thrown when the bot cannot start; the message never contains the token. */
export class DiscordStartError extends Error {
  override name = 'DiscordStartError';
}

/**
 * Starts the Discord adapter: logs in (REST at DISCORD_API_ROOT, gateway URL from
 * `GET /gateway/bot` there), answers `/papers` interactions through the core, and
 * registers the command (bulk overwrite, globally or to DISCORD_GUILD_ID; skipped when
 * unchanged). Resolves once connected and ready; rejects with a DiscordStartError (for
 * example an invalid token) after cleaning up. A failed command registration is logged,
 * not fatal: the commands registered before keep working.
 *
 * Sharding (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS): the client connects only this instance's
 * shards, through discord.js's own sharding (each IDENTIFY carries `shard: [id, count]`), so
 * it receives the interactions of its shards' guilds only (DMs come to shard 0). Only the
 * instance holding shard 0 registers the commands. Scheduled posts go over REST and need no
 * shard: any instance posts to any channel.
 *
 * Contract for the main program: call it only when DISCORD_TOKEN and
 * DISCORD_APPLICATION_ID are set; hand `port` to the scheduler; call `stop()` on SIGTERM
 * before closing the database.
 */
export async function startDiscord(options: StartDiscordOptions): Promise<DiscordBot> {
  const { config, core } = options;
  const token = config.DISCORD_TOKEN;
  const applicationId = config.DISCORD_APPLICATION_ID;
  if (!token || !applicationId) throw new DiscordStartError('DISCORD_TOKEN and DISCORD_APPLICATION_ID must both be set to start the Discord bot.');
  const secrets = [token];
  const log = options.log.child({ platform: 'discord' });

  let plan: Awaited<ReturnType<typeof planShards>>;
  try {
    plan = await planShards(config, createDiscordRest({ apiRoot: config.DISCORD_API_ROOT, token, log }));
  } catch (error) {
    log.error({ err: safeError(error, secrets) }, 'discord shard plan failed');
    throw new DiscordStartError(`Discord shards: ${redact(error instanceof Error ? error.message : String(error), secrets)}`);
  }
  const client = createDiscordClient({
    apiRoot: config.DISCORD_API_ROOT,
    log,
    ...(plan.shards ? { shards: plan.shards } : {}),
    ...(plan.shardCount ? { shardCount: plan.shardCount } : {}),
  });
  const dispatcher = createDispatcher({ core, log, secrets, ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}) });
  let stopped = false;
  client.on(Events.InteractionCreate, (interaction) => {
    if (!stopped) void dispatcher.handle(interaction);
  });
  client.on(Events.Error, (error) => log.error({ err: safeError(error, secrets) }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message: redact(message, secrets) }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ shardId, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardError, (error, shardId) => log.warn({ shardId, err: safeError(error, secrets) }, 'discord gateway error'));
  client.on(Events.ShardResume, (shardId) => log.info({ shardId }, 'discord gateway resumed'));
  client.on(Events.Debug, (message) => log.trace({ message: redact(message, secrets) }, 'discord debug'));

  try {
    const connecting = (async () => {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
    })();
    if ((await raceDeadline(connecting, options.readyTimeoutMs ?? 60_000)) === TIMED_OUT) {
      throw new Error('Timed out connecting to the Discord gateway.');
    }
  } catch (error) {
    await client.destroy().catch(() => {});
    const reason = redact(error instanceof Error ? error.message : String(error), secrets);
    log.error({ err: safeError(error, secrets) }, 'discord login failed');
    throw new DiscordStartError(`Discord login failed: ${reason}`);
  }

  if (client.application?.id && client.application.id !== applicationId) {
    log.warn({ configured: applicationId, actual: client.application.id }, 'DISCORD_APPLICATION_ID does not match the token’s application');
  }
  const shards = () => shardStatus(client);
  log.info({ user: client.user?.tag, applicationId, shards: shards().held.map((shard) => shard.id), shardCount: shards().count }, 'discord bot ready');

  if (plan.registersCommands) {
    try {
      await registerCommands({ rest: client.rest, applicationId, guildId: config.DISCORD_GUILD_ID, commands: commandDefinitions(core.commands), log });
    } catch (error) {
      log.error({ err: safeError(error, secrets) }, 'discord command registration failed; keeping the commands registered before');
    }
  } else {
    log.info('discord commands are registered by the instance holding shard 0');
  }

  const delivery = createDiscordDeliveryPort({ rest: client.rest, actions: core.actions, log, secrets });
  const port: DeliveryPort = {
    platform: delivery.platform,
    send: (target, answer, sendOptions) =>
      stopped ? Promise.resolve({ status: 'failed', reason: 'the Discord bot is stopped', retryable: true }) : delivery.send(target, answer, sendOptions),
  };

  let stopping: Promise<void> | undefined;
  return {
    port,
    client,
    connected: () => !stopped && client.isReady() && shards().held.every((shard) => shard.connected),
    shards,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        await Promise.race([dispatcher.idle(), sleep(5000)]);
        await client.destroy();
        log.info('discord bot stopped');
      })();
      return stopping;
    },
  };
}
