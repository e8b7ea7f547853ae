/** Every expected failure a user can cause, as a literal union that renderers can switch on. */
export type DomainErrorCode =
  | 'UnknownCommand'
  | 'InvalidArguments'
  | 'PaperNotFound'
  | 'AlreadyFollowing'
  | 'NotFollowing'
  | 'FollowLimitReached'
  | 'AlreadyMuted'
  | 'NotMuted'
  | 'MuteLimitReached'
  | 'NotAllowed'
  | 'NotSubscribed'
  | 'UnknownAction';

/**
 * An expected failure with a message fit for the user who caused it. Anything else that
 * is thrown is a bug or an outage, and users get a generic message with a reference id.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}
