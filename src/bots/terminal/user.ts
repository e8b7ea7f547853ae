import { userInfo } from 'node:os';
import { z } from 'zod';

/** The longest terminal user id: plenty for a name or an e-mail address, short enough for a table column. */
const MAX_LENGTH = 100;

const WHAT = `1 to ${MAX_LENGTH} letters, digits or . _ @ : -`;

/**
 * A terminal user's id (`paperboy chat --user`, `paperboy ask --user`, or the OS user name for
 * `npm start`): the external id of a terminal recipient, whose follows, feedback and digests
 * the session uses. One rule for every way in, so a user `ask` refuses cannot chat either.
 */
export const terminalUserId = z
  .string()
  .trim()
  .refine((id) => id.length >= 1 && id.length <= MAX_LENGTH && /^[\w.@:-]+$/.test(id), {
    error: (issue) => `--user must be ${WHAT}, got "${String(issue.input).slice(0, 40)}${String(issue.input).length > 40 ? '…' : ''}"`,
  });

/** The OS user name when it is a valid terminal user id, else "me". */
export function osUserId(): string {
  try {
    const parsed = terminalUserId.safeParse(userInfo().username);
    return parsed.success ? parsed.data : 'me';
  } catch {
    return 'me'; // no passwd entry for this uid (some containers)
  }
}
