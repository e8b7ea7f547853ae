import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Answer } from '../answer.ts';
import type { Clock } from '../clock.ts';
import type { Storage } from '../ports/storage.ts';
import type { RecipientRef } from '../recipient.ts';

/** What a command needs from the outside world: the stores it reads and writes, the time, a logger. */
export interface CommandDeps extends Pick<Storage, 'papers' | 'recipients' | 'feedback' | 'ranking' | 'subscriptions' | 'content' | 'profiles'> {
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
  /**
   * Who may manage this recipient, in its platform's words ("the group's admins"): what a
   * refused command tells the person asking. Default: "people who can manage this chat".
   */
  managers?: string;
}

/**
 * One option of a command, as platforms with structured input (Discord slash commands)
 * offer it. Text input reaches the same arguments through `CommandSpec.fromText`.
 */
export type OptionSpec =
  | {
      name: string;
      /** One line, at most 100 characters (Discord's limit). */
      description: string;
      type: 'string';
      /** Default false. */
      required?: boolean;
      maxLength?: number;
      /** The only values accepted, offered as a menu. */
      choices?: readonly { name: string; value: string }[];
      /**
       * Suggests values while the option is typed (`Core.complete`): at most 25, best first.
       * `args` holds the other options filled in so far.
       */
      complete?: (typed: string, ctx: CommandContext, deps: CommandDeps, args: Record<string, unknown>) => Promise<string[]>;
    }
  | {
      name: string;
      description: string;
      type: 'integer';
      required?: boolean;
      min?: number;
      max?: number;
    }
  | {
      name: string;
      description: string;
      /**
       * The channel to act for instead of the current one, on platforms where a command can
       * name another channel (Discord's channel picker). Not an argument of `run`: the adapter
       * resolves it into the `CommandContext`.
       */
      type: 'target-channel';
      /** The command posts in that channel (subscribe): adapters check they may post there before running it. Default false. */
      posts?: boolean;
    };

/** Who may run a command: anyone, or in a group or channel only the people who manage it. */
export type Access = 'anyone' | 'managers';

/**
 * One command, declared once: its names, options, who may run it and how its answer is
 * shown. Adapters generate their command surface from it (Discord's slash command and
 * option mapping, Telegram's menu), and `help` lists it. Text input (`search grokking 2`)
 * goes through `fromText`, structured input (Discord options) straight to `args`; both are
 * validated by the same schema.
 */
export interface CommandSpec<Args = any> {
  name: string;
  /** Other names that run it when typed (`find` for `search`). */
  aliases?: readonly string[];
  /** How to type it, after the command name: `<query> [page]`. */
  usage: string;
  /** One line for the help, at most 100 characters (also Discord's description). */
  summary: string;
  /** Kept out of the help and the command menus (button-only commands like `vote`). Default false. */
  hidden?: boolean;
  /** The options, in the order platforms show them. */
  options: readonly OptionSpec[];
  /** 'public' answers may be shown to everyone in a channel; 'personal' ones only to the asker where the platform can. */
  answer: 'public' | 'personal';
  /** Who may run it with these arguments; checked by the core before `run` (default 'anyone'). */
  access?: Access | ((args: Args) => Access);
  /**
   * For managers-only commands: what a refused member is told it changes ("what it mutes")
   * and what to do instead. Default: the channel's daily post, and `subscribe` in a private chat.
   */
  manages?: { what: string; instead: string };
  /** Turns the text after the command name into the raw args the schema validates. */
  fromText(rest: string): unknown;
  args: z.ZodType<Args>;
  run(args: Args, ctx: CommandContext, deps: CommandDeps): Promise<Answer>;
}

/** Identity helper that keeps `Args` inferred from the schema. */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec<Args> {
  return spec;
}
