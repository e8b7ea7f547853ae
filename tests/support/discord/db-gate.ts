import { setTimeout as sleep } from 'node:timers/promises';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * A Kysely plugin that makes the database slow or failing on demand, at the db boundary:
 * the adapter and core run unchanged over `db.withPlugin(gate.plugin)`.
 */
export interface DbGate {
  plugin: KyselyPlugin;
  /** Delays the next query's result by `ms` (once). */
  slowNext(ms: number): void;
  /** Makes every query touching `table` throw, until `heal()`. */
  failOn(table: string): void;
  heal(): void;
}

export function dbGate(): DbGate {
  let delay = 0;
  let failing: string | undefined;
  return {
    plugin: {
      transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
        if (failing && JSON.stringify(args.node).includes(`"${failing}"`)) throw new Error(`database unavailable (${failing})`);
        return args.node;
      },
      async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        if (delay > 0) {
          const ms = delay;
          delay = 0;
          await sleep(ms);
        }
        return args.result;
      },
    },
    slowNext(ms) {
      delay = ms;
    },
    failOn(table) {
      failing = table;
    },
    heal() {
      failing = undefined;
      delay = 0;
    },
  };
}
