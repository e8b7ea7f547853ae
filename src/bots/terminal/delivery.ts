import type { DeliveryPort } from '../../core/delivery-port.ts';
import { renderText } from './render.ts';

/** The terminal's delivery port: digests for terminal users (`paperboy chat` / `ask`) are printed to `output`. */
export function createTerminalDeliveryPort(output: NodeJS.WritableStream): DeliveryPort {
  return {
    platform: 'terminal',
    async send(target, answer) {
      output.write(`── to ${target.externalId} (terminal) ──\n${renderText(answer)}\n\n`);
      return { status: 'ok' };
    },
  };
}
