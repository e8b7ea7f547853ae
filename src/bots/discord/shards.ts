import { type Client, type REST, Routes, Status } from 'discord.js';
import { z } from 'zod';
import type { Env } from '../../config.ts';
import type { ShardOptions } from './client.ts';

/**
 * Which shards this instance serves, as discord.js's client options, and whether it registers
 * the commands. Several instances of one bot, on one machine or many, each serve some shards
 * of the same total (`DISCORD_SHARD_COUNT`); Discord sends each shard the events of its guilds
 * (`(guild_id >> 22) % count`, DMs to shard 0).
 */
export interface ShardPlan extends ShardOptions {
  /** Exactly one instance writes the command list: the one holding shard 0. */
  registersCommands: boolean;
}

/** Thrown when the shard settings cannot be served (an id beyond Discord's recommended count). */
export class ShardPlanError extends Error {
  override name = 'ShardPlanError';
}

const gatewayBot = z.object({ shards: z.number().int().min(1) });

/**
 * The plan for DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS (validated by config.ts):
 * - neither: one shard (0 of 1), as discord.js does by default;
 * - a count: this instance serves DISCORD_SHARD_IDS of it, or all of it;
 * - `auto` without ids: discord.js asks `GET /gateway/bot` and serves every recommended shard;
 * - `auto` with ids: the recommended count is read here (through `rest`, so DISCORD_API_ROOT
 *   applies) and the ids must fall below it.
 */
export async function planShards(config: Pick<Env, 'DISCORD_SHARD_COUNT' | 'DISCORD_SHARD_IDS'>, rest: REST): Promise<ShardPlan> {
  const { DISCORD_SHARD_COUNT: count, DISCORD_SHARD_IDS: ids } = config;
  if (count === undefined) return { registersCommands: true };
  if (count === 'auto' && !ids) return { shards: 'auto', registersCommands: true };
  const total = count === 'auto' ? gatewayBot.parse(await rest.get(Routes.gatewayBot())).shards : count;
  const held = ids ?? Array.from({ length: total }, (_, id) => id);
  const outside = held.find((id) => id >= total);
  if (outside !== undefined) {
    throw new ShardPlanError(
      `DISCORD_SHARD_IDS has shard ${outside}, but Discord recommends ${total} shard${total === 1 ? '' : 's'} (DISCORD_SHARD_COUNT=auto): ` +
        `ids run from 0 to ${total - 1}. Give every instance the same fixed DISCORD_SHARD_COUNT instead.`,
    );
  }
  return { shards: held, shardCount: total, registersCommands: held.includes(0) };
}

/** The gateway shards one instance holds, for /healthz and /metrics. */
export interface ShardStatus {
  /** Shards over all instances of the bot. */
  count: number;
  /** The shards this instance holds, each with whether its session is ready. */
  held: { id: number; connected: boolean }[];
}

/** What the client's shards are doing now (discord.js's own record of them). */
export function shardStatus(client: Client): ShardStatus {
  const held = [...client.ws.shards.values()].map((shard) => ({ id: shard.id, connected: shard.status === Status.Ready })).sort((a, b) => a.id - b.id);
  return { count: client.options.shardCount ?? held.length, held };
}
