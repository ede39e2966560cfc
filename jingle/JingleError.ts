/**
 * The one error type of the library. It is returned (inside a Result), not
 * thrown, and carries what the focus needs to answer the stanza:
 * - `condition`: the RFC 6120 stanza error condition of the IQ error reply
 *   (the parser gives only bad-request or feature-not-implemented);
 * - `jingleCondition`: the XEP-0166 specific condition to add, if any;
 * - `reason`: the Jingle reason to use if the session or content must be
 *   refused (session-terminate / content-reject), if one fits better than
 *   a plain error reply;
 * - `field`: a path to the offending element or attribute, e.g.
 *   `content[video].description.payload-type[2].@id`.
 */
export type StanzaErrorCondition =
  | 'bad-request'
  | 'feature-not-implemented'
  /** A session-state error (out-of-order, tie-break), from JingleSession. */
  | 'unexpected-request'
  /** An unknown session, from JingleSession. */
  | 'item-not-found';

export type JingleErrorCondition =
  'out-of-order' | 'tie-break' | 'unknown-session' | 'unsupported-info';

export type RefusalReason =
  | 'unsupported-applications'
  | 'unsupported-transports'
  | 'incompatible-parameters'
  | 'failed-application'
  | 'security-error';

export interface JingleErrorOptions {
  readonly jingleCondition?: JingleErrorCondition;
  readonly reason?: RefusalReason;
}

export class JingleError extends Error {
  override readonly name = 'JingleError';
  readonly condition: StanzaErrorCondition;
  readonly field: string;
  readonly jingleCondition: JingleErrorCondition | undefined;
  readonly reason: RefusalReason | undefined;

  constructor(
    condition: StanzaErrorCondition,
    field: string,
    message: string,
    options: JingleErrorOptions = {},
  ) {
    super(`${field}: ${message}`);
    this.condition = condition;
    this.field = field;
    this.jingleCondition = options.jingleCondition;
    this.reason = options.reason;
  }
}

export function badRequest(
  field: string,
  message: string,
  options?: JingleErrorOptions,
): JingleError {
  return new JingleError('bad-request', field, message, options);
}

export function notImplemented(
  field: string,
  message: string,
  options?: JingleErrorOptions,
): JingleError {
  return new JingleError('feature-not-implemented', field, message, options);
}

/** A session-state error: the action does not fit the session's state. */
export function outOfOrder(action: string, message = `${action} is not expected now`): JingleError {
  return new JingleError('unexpected-request', 'jingle.@action', message, {
    jingleCondition: 'out-of-order',
  });
}
