import { type ActionCodec, createActionCodec } from '../../src/core/actions/action-codec.ts';

/** The core's action codec over an in-memory token store, for tests that need no database. */
export function memoryCodec(): ActionCodec & { readonly stored: Map<string, string> } {
  const stored = new Map<string, string>();
  const codec = createActionCodec({
    put: async (token, payload) => void stored.set(token, payload),
    get: async (token) => stored.get(token),
  });
  return { ...codec, stored };
}
