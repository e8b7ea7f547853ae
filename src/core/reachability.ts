import { z } from 'zod';
import type { Clock } from './clock.ts';
import type { RecipientStore } from './ports/recipient-store.ts';
import type { SubscriptionStore } from './ports/subscription-store.ts';
import type { RecipientRef } from './recipient.ts';

/**
 * What the platform said, checked at the core's boundary: which recipient, whether the bot can
 * post to it now, and (when it cannot) why, in a few words for `settings` and the operators.
 */
const reachabilityInput = z.object({
  ref: z.object({
    platform: z.string().trim().min(1).max(40),
    externalId: z.string().trim().min(1).max(100),
    kind: z.enum(['user', 'channel']),
  }),
  reachable: z.boolean(),
  reason: z.string().trim().min(1).max(300).optional(),
});

/** How a recipient's subscription changed: paused, resumed, or nothing to do (none, or already so). */
export type ReachabilityChange = 'paused' | 'resumed' | 'unchanged';

/** The reason recorded when the platform gave none. */
export const UNREACHABLE = 'the bot can no longer post here';

/**
 * The platform told us the bot can (again) or can no longer post to a recipient: a channel
 * admin added it with the right to post, removed or demoted it; a user blocked or unblocked
 * it. Unreachable pauses the recipient's subscription at once with the reason (no post is
 * attempted and failed first); reachable records the recipient (a channel the bot was just
 * added to becomes one) and resumes its subscription if it was paused. Platform-neutral: the
 * adapter decides what its platform's events mean.
 */
export async function recipientReachable(
  deps: { recipients: Pick<RecipientStore, 'ensure' | 'find'>; subscriptions: Pick<SubscriptionStore, 'pause' | 'resume'>; clock: Clock },
  ref: RecipientRef,
  reachable: boolean,
  reason?: string,
): Promise<ReachabilityChange> {
  const input = reachabilityInput.parse({ ref, reachable, ...(reason === undefined ? {} : { reason }) });
  if (input.reachable) {
    const recipient = await deps.recipients.ensure(input.ref);
    return (await deps.subscriptions.resume(recipient, deps.clock())) ? 'resumed' : 'unchanged';
  }
  const recipient = await deps.recipients.find(input.ref);
  if (recipient === undefined) return 'unchanged';
  return (await deps.subscriptions.pause(recipient, input.reason ?? UNREACHABLE, deps.clock())) ? 'paused' : 'unchanged';
}
