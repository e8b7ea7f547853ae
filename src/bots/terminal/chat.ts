import { createInterface, type Interface } from 'node:readline';
import type { Answer } from '../../core/answer.ts';
import type { CommandContext } from '../../core/commands/command.ts';
import type { Core } from '../../core/core.ts';
import { renderText } from './render.ts';

const PROMPT = 'paperboy> ';

/**
 * The terminal as the chat and everything printed while it runs (digests) share it. Text
 * printed while the person is at the prompt appears above it, and the prompt is redrawn with
 * what they had typed so far; text printed while a command runs simply comes before its answer.
 */
export class TerminalScreen {
  #rl: Interface | undefined;
  #atPrompt = false;

  constructor(readonly output: NodeJS.WritableStream) {}

  /** Prints `text` (which should end with a newline) without disturbing the prompt. */
  print(text: string): void {
    const rl = this.#rl;
    if (!rl || !this.#atPrompt || !rl.terminal) {
      this.output.write(text);
      return;
    }
    // Back to where the prompt starts (the typed line may wrap), clear it, print, then redraw
    // the prompt with the typed text and the cursor where they were.
    const { rows } = rl.getCursorPos();
    this.output.write(`${rows > 0 ? `\x1b[${rows}A` : ''}\r\x1b[J${text}`);
    rl.prompt(true);
  }

  /** The chat's readline is at the screen's prompt from now on (until `detach`). @internal */
  attach(rl: Interface): void {
    this.#rl = rl;
  }

  /** Shows the prompt (on a terminal) and notes that the person is typing. @internal */
  prompt(): void {
    this.#atPrompt = true;
    if (this.#rl?.terminal) this.#rl.prompt();
  }

  /** A command runs: asynchronous text goes straight out, before its answer. @internal */
  busy(): void {
    this.#atPrompt = false;
  }

  /** The chat ended. @internal */
  detach(): void {
    this.#rl = undefined;
    this.#atPrompt = false;
  }
}

/** What a terminal chat needs. */
export interface TerminalChatOptions {
  core: Core;
  /** Whose follows and feedback the session uses (the terminal recipient's external id). */
  user: string;
  input: NodeJS.ReadableStream;
  /** Where answers go; pass the same screen to whatever prints while the chat runs (the terminal's delivery port). */
  screen: TerminalScreen;
  /** Ends the chat when aborted (the process is shutting down). */
  signal?: AbortSignal;
  /**
   * Line editing, a prompt, and redrawing it after asynchronous output. Default: when both
   * input and output are terminals; piped input is read as plain lines with no prompt.
   */
  terminal?: boolean;
}

/**
 * An interactive chat in the terminal with the same commands as the chat platforms.
 * `n`/`p` follow the last answer's next/previous page; `quit`, Ctrl-D, Ctrl-C or the end of
 * the input ends it. Lines are read as a stream and answered one after another in order, so
 * nothing typed (or piped) while a command runs is lost.
 */
export async function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const { core, screen } = options;
  const output = screen.output;
  const terminal = options.terminal ?? (Boolean((options.input as { isTTY?: boolean }).isTTY) && Boolean((output as { isTTY?: boolean }).isTTY));
  const ctx: CommandContext = {
    recipient: { platform: 'terminal', externalId: options.user, kind: 'user' },
    mayManage: async () => true,
  };
  if (options.signal?.aborted) return;
  const rl = createInterface({ input: options.input, output, terminal, prompt: PROMPT });
  // Without a listener, Ctrl-C would only pause the input: end the chat instead.
  rl.on('SIGINT', () => rl.close());
  const close = () => rl.close();
  options.signal?.addEventListener('abort', close, { once: true });
  screen.attach(rl);
  output.write(`paperboy: type a command (\`help\` lists them, \`quit\` leaves). You are "${options.user}".\n`);
  let last: Answer | undefined;
  try {
    screen.prompt();
    // The iterator buffers lines that arrive while a command runs; `break` closes the interface.
    for await (const raw of rl) {
      screen.busy();
      const line = raw.trim();
      if (/^(quit|exit|q)$/i.test(line)) break;
      if (line !== '') {
        const paging = /^(n|next|p|prev)$/i.test(line);
        const page = paging ? last?.actions.find((a) => a.kind === 'page' && a.direction === (line[0]!.toLowerCase() === 'n' ? 'next' : 'prev')) : undefined;
        if (paging && !page) {
          output.write('No such page.\n');
        } else {
          last = page ? await core.click(page, ctx) : await core.run(line, ctx);
          output.write(`${renderText(last)}\n\n`);
        }
      }
      screen.prompt();
    }
  } finally {
    options.signal?.removeEventListener('abort', close);
    screen.detach();
    rl.close();
    if (terminal) output.write('\n');
  }
}
