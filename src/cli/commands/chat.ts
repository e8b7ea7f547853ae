import { parseArgs } from 'node:util';
import { runTerminalChat, TerminalScreen } from '../../bots/terminal/chat.ts';
import { osUserId, terminalUserId } from '../../bots/terminal/user.ts';
import { createCore } from '../../core/core.ts';
import { type CliCommand, UsageError } from '../cli-command.ts';

/** `paperboy chat`: the chat commands in this terminal, read line by line (typed or piped). */
export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'chat with the bot in this terminal (or answer commands piped in, one per line)',
  usage: 'paperboy chat [--user <id>]   (default: your OS user name; the end of input or `quit` ends it)',
  async run(argv, runtime) {
    let user: string | undefined;
    try {
      user = parseArgs({ args: argv, options: { user: { type: 'string', short: 'u' } } }).values.user;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const parsed = terminalUserId.safeParse(user ?? osUserId());
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
    const core = createCore({ storage: await runtime.openStorage(), log: runtime.log, clock: runtime.now });
    await runTerminalChat({ core, user: parsed.data, input: process.stdin, screen: new TerminalScreen(runtime.stdout) });
    return 0;
  },
};
