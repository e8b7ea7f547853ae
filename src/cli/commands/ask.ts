import { createInterface } from 'node:readline';
import { z } from 'zod';
import { renderText } from '../../bots/terminal/render.ts';
import { terminalUserId } from '../../bots/terminal/user.ts';
import type { Answer } from '../../core/answer.ts';
import type { CommandContext } from '../../core/commands/command.ts';
import { createCore } from '../../core/core.ts';
import type { CliCommand } from '../cli-command.ts';
import { type FlagOptions, parseFlags } from '../parse-flags.ts';

const ASK_FLAGS = { user: { type: 'string', short: 'u' }, json: { type: 'boolean' } } satisfies FlagOptions;

const askArgs = z.object({
  /** The command text: the positional arguments, joined. */
  positionals: z
    .array(z.string())
    .transform((words) => words.join(' '))
    .pipe(z.string().trim().min(1, 'give the command text, e.g. paperboy ask "today"')),
  user: terminalUserId.default('cli'),
  json: z.boolean().default(false),
});

export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'run one chat command as a user and print the answer; `-` runs one command a line from standard input',
  usage: [
    'paperboy ask "<command text>" [--user <id>] [--json]',
    'paperboy ask - [--user <id>] [--json]',
    '',
    'With `-`, every line of standard input is a command (blank lines are skipped), answered in order',
    'in this one process: with --json one JSON answer a line, else each answer followed by a blank line.',
  ].join('\n'),
  async run(argv, runtime) {
    const { positionals: text, user, json } = parseFlags(argv, ASK_FLAGS, askArgs, { positionals: true });
    const core = createCore({ storage: await runtime.openStorage(), log: runtime.log, clock: runtime.now });
    const ctx: CommandContext = { recipient: { platform: 'terminal', externalId: user, kind: 'user' }, mayManage: async () => true };
    const print = (answer: Answer) => runtime.stdout.write(json ? `${JSON.stringify(answer)}\n` : `${renderText(answer)}\n\n`);
    if (text !== '-') {
      const answer = await core.run(text, ctx);
      runtime.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${renderText(answer)}\n`);
      return 0;
    }
    // Read as a stream: lines that arrive while a command runs wait their turn instead of being lost.
    for await (const line of createInterface({ input: runtime.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.trim() !== '') print(await core.run(line, ctx));
    }
    return 0;
  },
};
