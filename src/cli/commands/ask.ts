import { parseArgs } from 'node:util';
import { z } from 'zod';
import { renderText } from '../../bots/terminal/render.ts';
import { terminalUserId } from '../../bots/terminal/user.ts';
import { createCore } from '../../core/core.ts';
import { type CliCommand, UsageError } from '../cli-command.ts';

const askArgs = z.object({
  text: z.string().trim().min(1, 'give the command text, e.g. paperboy ask "today"'),
  user: terminalUserId,
  json: z.boolean(),
});

export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'run one chat command as a user and print the answer',
  usage: 'paperboy ask "<command text>" [--user <id>] [--json]',
  async run(argv, runtime) {
    const { values, positionals } = parseArgsOrUsage(argv);
    const parsed = askArgs.safeParse({ text: positionals.join(' '), user: values.user ?? 'cli', json: values.json ?? false });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
    const core = createCore({ storage: await runtime.openStorage(), log: runtime.log, clock: runtime.now });
    const answer = await core.run(parsed.data.text, {
      recipient: { platform: 'terminal', externalId: parsed.data.user, kind: 'user' },
      mayManage: async () => true,
    });
    runtime.stdout.write(parsed.data.json ? `${JSON.stringify(answer, null, 2)}\n` : `${renderText(answer)}\n`);
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
