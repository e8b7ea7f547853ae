import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { runTerminalChat } from '../../bots/terminal/chat.ts';
import { createCore } from '../../core/core.ts';
import { type CliCommand, UsageError } from '../cli-command.ts';

export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'chat with the bot in this terminal',
  usage: 'paperboy chat [--user <id>]',
  async run(argv, runtime) {
    let user: string | undefined;
    try {
      user = parseArgs({ args: argv, options: { user: { type: 'string', short: 'u' } } }).values.user;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const core = createCore({ storage: await runtime.openStorage(), log: runtime.log, clock: runtime.now });
    await runTerminalChat({ core, user: user ?? safeUserName(), input: process.stdin, output: runtime.stdout });
    return 0;
  },
};

function safeUserName(): string {
  try {
    return userInfo().username || 'me';
  } catch {
    return 'me';
  }
}
