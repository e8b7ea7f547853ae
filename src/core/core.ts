import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { type Answer, noticeAnswer } from './answer.ts';
import { type Clock, systemClock } from './clock.ts';
import type { CommandContext, CommandDeps, CommandSpec } from './commands/command.ts';
import { commandSpecs } from './commands/index.ts';
import { MAX_COMMAND_LENGTH, editDistance, splitCommandText } from './commands/text.ts';
import { DomainError } from './errors.ts';

/** The platform-neutral bot: adapters hand it commands and render the answers. */
export interface Core {
  /** Runs command text as typed (`/papers search grokking 2`, `today`, `/follow@PaperBot x`). Never throws. */
  run(text: string, ctx: CommandContext): Promise<Answer>;
  /** Runs a command from structured arguments (Discord options), validated like text input. Never throws. */
  execute(name: string, args: unknown, ctx: CommandContext): Promise<Answer>;
  /** The commands, for adapters that register them with the platform (names, usage, summaries). */
  readonly commands: readonly CommandSpec[];
  readonly deps: CommandDeps;
}

export interface CoreOptions {
  db: Kysely<Database>;
  log: Logger;
  clock?: Clock;
}

/** Wires the command layer over a database. */
export function createCore(options: CoreOptions): Core {
  const deps: CommandDeps = { db: options.db, log: options.log, clock: options.clock ?? systemClock };
  const byName = new Map<string, CommandSpec>();
  for (const spec of commandSpecs) for (const name of [spec.name, ...(spec.aliases ?? [])]) byName.set(name, spec);

  async function invoke(spec: CommandSpec, rawArgs: unknown, ctx: CommandContext): Promise<Answer> {
    const parsed = spec.args.safeParse(rawArgs);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'Those arguments are not valid.';
      return noticeAnswer('Not quite', { tone: 'error', text: message }, [`Usage: ${[spec.name, spec.usage].filter(Boolean).join(' ')}`]);
    }
    return spec.run(parsed.data, ctx, deps);
  }

  async function guarded(ctx: CommandContext, label: string, work: () => Promise<Answer>): Promise<Answer> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) return noticeAnswer('Not quite', { tone: 'error', text: error.message });
      const reference = randomBytes(4).toString('hex');
      deps.log.error({ err: error, reference, command: label, recipient: ctx.recipient }, 'command failed');
      return noticeAnswer('Something went wrong', {
        tone: 'error',
        text: `Sorry, that failed on my side. If it keeps happening, report reference ${reference}.`,
        reference,
      });
    } finally {
      deps.log.debug({ command: label, ms: Math.round(performance.now() - started) }, 'command done');
    }
  }

  return {
    commands: commandSpecs,
    deps,
    run(text, ctx) {
      return guarded(ctx, 'text', async () => {
        if (text.length > MAX_COMMAND_LENGTH) {
          return noticeAnswer('Too long', {
            tone: 'error',
            text: `That message is ${text.length} characters long; commands can be at most ${MAX_COMMAND_LENGTH}.`,
          });
        }
        const { name, rest } = splitCommandText(text);
        if (name === '') return noticeAnswer('paperboy', { tone: 'info', text: 'Type `help` to see what I can do.' });
        const spec = byName.get(name);
        if (!spec) return unknownCommand(name);
        return invoke(spec, spec.fromText(rest), ctx);
      });
    },
    execute(name, args, ctx) {
      return guarded(ctx, name, async () => {
        const spec = byName.get(name);
        return spec ? invoke(spec, args, ctx) : unknownCommand(name);
      });
    },
  };

  function unknownCommand(name: string): Answer {
    const shown = name.length > 30 ? `${name.slice(0, 30)}…` : name;
    const close = commandSpecs
      .filter((s) => !s.hidden)
      .map((s) => ({ name: s.name, distance: editDistance(name.slice(0, 30), s.name) }))
      .filter((s) => s.distance <= 2)
      .sort((a, b) => a.distance - b.distance)[0];
    return noticeAnswer('Unknown command', {
      tone: 'error',
      text: `I don't know “${shown}”.${close ? ` Did you mean \`${close.name}\`?` : ''} Type \`help\` for the list.`,
    });
  }
}
