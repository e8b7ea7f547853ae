import { z } from 'zod';
import { runTerminalChat, TerminalScreen } from '../../bots/terminal/chat.ts';
import { osUserId, terminalUserId } from '../../bots/terminal/user.ts';
import { createCore } from '../../core/core.ts';
import type { CliCommand } from '../cli-command.ts';
import { parseFlags } from '../parse-flags.ts';

const chatArgs = z.object({ user: terminalUserId.default(osUserId) });

/** `paperboy chat`: the chat commands in this terminal, read line by line (typed or piped). */
export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'chat with the bot in this terminal (or answer commands piped in, one per line)',
  usage: 'paperboy chat [--user <id>]   (default: your OS user name; the end of input or `quit` ends it)',
  async run(argv, runtime) {
    const { user } = parseFlags(argv, { user: { type: 'string', short: 'u' } }, chatArgs);
    const core = createCore({ storage: await runtime.openStorage(), log: runtime.log, clock: runtime.now });
    await runTerminalChat({ core, user, input: process.stdin, screen: new TerminalScreen(runtime.stdout) });
    return 0;
  },
};
