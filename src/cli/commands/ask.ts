import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { renderText } from '../../bots/terminal/render.ts';
import { terminalUserId } from '../../bots/terminal/user.ts';
import type { Answer } from '../../core/answer.ts';
import type { CommandContext } from '../../core/commands/command.ts';
import { createCore } from '../../core/core.ts';
import { type CliCommand, UsageError } from '../cli-command.ts';

const askArgs = z.object({
  text: z.string().trim().min(1, 'give the command text, e.g. paperboy ask "today"'),
  user: terminalUserId,
  json: z.boolean(),
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
    const { values, positionals } = parseArgsOrUsage(argv);
    const parsed = askArgs.safeParse({ text: positionals.join(' '), user: values.user ?? 'cli', json: values.json ?? false });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
    const { user, json } = parsed.data;
    const core = createCore({ storage: await runtime.openStorage(), log: runtime.log, clock: runtime.now });
    const ctx: CommandContext = { recipient: { platform: 'terminal', externalId: user, kind: 'user' }, mayManage: async () => true };
    const print = (answer: Answer) => runtime.stdout.write(json ? `${JSON.stringify(answer)}\n` : `${renderText(answer)}\n\n`);
    if (parsed.data.text !== '-') {
      const answer = await core.run(parsed.data.text, ctx);
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

function parseArgsOrUsage(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { user: { type: 'string', short: 'u' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
