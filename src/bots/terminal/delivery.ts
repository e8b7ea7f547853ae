import type { DeliveryPort } from '../../core/delivery-port.ts';
import { renderText } from './render.ts';

/** Where and to whom the terminal's delivery port prints digests. */
export interface TerminalDeliveryOptions {
  /** Prints one digest: a `TerminalScreen`'s `print` while a chat runs (it keeps the prompt intact), else a plain write. */
  print(text: string): void;
  /**
   * The terminal users whose digests this process shows; undefined: every terminal user
   * (`paperboy deliver`). The chat of `npm start` shows its own user's only, and the digests of
   * other terminal users stay unclaimed for a process that shows them.
   */
  reaches?: readonly string[];
}

/** The terminal's delivery port: digests for terminal users (`paperboy chat`, `ask`) are printed. */
export function createTerminalDeliveryPort(options: TerminalDeliveryOptions): DeliveryPort {
  return {
    platform: 'terminal',
    ...(options.reaches ? { reaches: [...options.reaches] } : {}),
    async send(target, answer) {
      options.print(`── to ${target.externalId} (terminal) ──\n${renderText(answer)}\n\n`);
      return { status: 'ok' };
    },
  };
}
