import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import type { Answer } from '../answer.ts';
import type { Clock } from '../clock.ts';
import type { RecipientRef } from '../recipient.ts';

/** What a command needs from the outside world. */
export interface CommandDeps {
  db: Kysely<Database>;
  clock: Clock;
  log: Logger;
}

/** Who is asking, and where. Filled in by the adapter. */
export interface CommandContext {
  /** Whose follows, feedback and subscription the command reads and changes. */
  recipient: RecipientRef;
  /**
   * Whether the person asking may change this recipient's subscription: always true in
   * a private chat; in a group or server channel the adapter checks the platform's
   * permission (Telegram admins, Discord Manage Channels). Only called when needed.
   */
  mayManage(): Promise<boolean>;
}

/**
 * One command. Text input (`search grokking 2`) goes through `fromText`, structured
 * input (Discord options) straight to `args`; both are validated by the same schema.
 */
export interface CommandSpec<Args = any> {
  name: string;
  /** Other names that run it (`find` for `search`). */
  aliases?: readonly string[];
  /** How to type it, after the command name: `<query> [page]`. */
  usage: string;
  /** One line for the help. */
  summary: string;
  /** Kept out of the help (button-only commands like `vote`). */
  hidden?: boolean;
  /** Turns the text after the command name into the raw args the schema validates. */
  fromText(rest: string): unknown;
  args: z.ZodType<Args>;
  run(args: Args, ctx: CommandContext, deps: CommandDeps): Promise<Answer>;
}

/** Identity helper that keeps `Args` inferred from the schema. */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec<Args> {
  return spec;
}
