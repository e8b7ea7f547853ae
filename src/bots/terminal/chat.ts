import { createInterface } from 'node:readline/promises';
import type { Answer } from '../../core/answer.ts';
import type { CommandContext } from '../../core/commands/command.ts';
import type { Core } from '../../core/core.ts';
import { renderText } from './render.ts';

export interface TerminalChatOptions {
  core: Core;
  /** Whose follows and feedback the session uses. */
  user: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * An interactive chat in the terminal with the same commands as the chat platforms.
 * `n`/`p` follow the last answer's next/previous page; `quit` or Ctrl-D ends it.
 */
export async function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const { core, output } = options;
  const ctx: CommandContext = {
    recipient: { platform: 'terminal', externalId: options.user, kind: 'user' },
    mayManage: async () => true,
  };
  const rl = createInterface({ input: options.input, output, terminal: (output as { isTTY?: boolean }).isTTY ?? false });
  output.write(`paperboy: type a command (\`help\` lists them, \`quit\` leaves). You are "${options.user}".\n`);
  let last: Answer | undefined;
  try {
    for (;;) {
      let line: string;
      try {
        line = (await rl.question('paperboy> ')).trim();
      } catch {
        break; // input closed
      }
      if (line === '') continue;
      if (/^(quit|exit|q)$/i.test(line)) break;
      const page = /^(n|next|p|prev)$/i.test(line)
        ? last?.actions.find((a) => a.kind === 'page' && a.direction === (line[0]!.toLowerCase() === 'n' ? 'next' : 'prev'))
        : undefined;
      if (/^(n|next|p|prev)$/i.test(line) && !page) {
        output.write('No such page.\n');
        continue;
      }
      last = page ? await core.click(page, ctx) : await core.run(line, ctx);
      output.write(`${renderText(last)}\n\n`);
    }
  } finally {
    rl.close();
  }
}
