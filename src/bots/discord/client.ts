import { Client, type RateLimitData, REST, RESTEvents, type RESTOptions } from 'discord.js';
import type { Logger } from '../../logger.ts';
import { DELIVERY_ROUTES } from './delivery.ts';

/**
 * Rate limits on delivery routes longer than this are reported to the scheduler as
 * `retry-after` instead of being waited out inside discord.js's REST queue; shorter
 * ones (and every limit on interaction replies) discord.js waits out itself.
 */
export const LONG_RATE_LIMIT_MS = 10_000;

export interface DiscordClientOptions {
  /** REST root, e.g. `https://discord.com/api` (the default) or a fake server's `http://127.0.0.1:1234/api`. */
  apiRoot?: string | undefined;
  log: Logger;
}

/** Which gateway shards a client connects (discord.js's own `shards` and `shardCount` options). */
export interface ShardOptions {
  /** The ids this process serves, or 'auto': every shard of Discord's recommended count. */
  shards?: readonly number[] | 'auto';
  /** Shards over all processes of the bot. */
  shardCount?: number;
}

/**
 * A discord.js client for slash commands and buttons only: no gateway intents (interactions
 * arrive without any, so no privileged intents are needed), no mentions, and REST pointed
 * at `apiRoot`. The gateway URL comes from `GET /gateway/bot` through that same root, so
 * a fake server can stand in for Discord entirely. discord.js's REST manager keeps the
 * per-route buckets and the global limit; this only decides which long waits surface.
 * `shards` and `shardCount` go to discord.js as they are: it identifies each shard with
 * `shard: [id, count]`, and Discord sends a shard only its guilds' events (DMs to shard 0).
 */
export function createDiscordClient(options: DiscordClientOptions & ShardOptions): Client {
  const client = new Client({
    intents: [],
    allowedMentions: { parse: [] },
    rest: restOptions(options),
    ...(options.shards ? { shards: options.shards } : {}),
    ...(options.shardCount ? { shardCount: options.shardCount } : {}),
  });
  logRateLimits(client.rest, options.log);
  return client;
}

/**
 * A REST manager alone, with the same rate-limit handling as the client's, for processes
 * that only post (`paperboy deliver` with `createDiscordDeliveryPort`): no gateway, no login.
 * Nothing to close; its sweepers do not keep the process alive.
 */
export function createDiscordRest(options: DiscordClientOptions & { token: string }): REST {
  const rest = new REST(restOptions(options)).setToken(options.token);
  logRateLimits(rest, options.log);
  return rest;
}

function restOptions(options: DiscordClientOptions): Partial<RESTOptions> {
  return {
    ...(options.apiRoot ? { api: options.apiRoot.replace(/\/+$/, '') } : {}),
    rejectOnRateLimit: (data: RateLimitData) =>
      DELIVERY_ROUTES.some((route) => data.route.startsWith(route)) && Math.max(data.retryAfter, data.timeToReset) > LONG_RATE_LIMIT_MS,
  };
}

function logRateLimits(rest: REST, log: Logger): void {
  rest.on(RESTEvents.RateLimited, (info) => {
    log.warn(
      { route: info.route, method: info.method, global: info.global, retryAfterMs: Math.max(info.retryAfter, info.timeToReset) },
      'discord rate limit hit',
    );
  });
}
