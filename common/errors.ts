/**
 * The small error taxonomy shared by all modules (XMPP stanza errors live in
 * component/StanzaError.ts). Programmer mistakes are plain TypeErrors.
 */

/** An operation was attempted on an object in the wrong state, e.g. after close(). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** A request for something Confab does not support. */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
}

/** A waited-for reply did not arrive in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
