/**
 * Keeps button payloads too long for a platform (Telegram's 64-byte callback_data, Discord's
 * 100-character custom_id) under short tokens. The same payload always gets the same token.
 */
export interface ActionTokenStore {
  /** Remembers `payload` under `token` (idempotent). */
  put(token: string, payload: string): Promise<void>;
  /** The payload stored under `token`, or undefined if it was never stored. */
  get(token: string): Promise<string | undefined>;
}
