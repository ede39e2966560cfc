/**
 * XEP-0166 errors as stanza errors: the Jingle library's typed errors and the
 * Jingle-specific conditions (urn:xmpp:jingle:errors:1) become the
 * StanzaError an IQ is answered with. Shared by the focus and every client.
 */
import { NS, type JingleError, type JingleErrorCondition } from '../jingle';
import { StanzaError } from './StanzaError';

export function jingleCondition(name: JingleErrorCondition): {
  app: { name: string; xmlns: string };
} {
  return { app: { name, xmlns: NS.JINGLE_ERRORS } };
}

/** The stanza error for a Jingle library error, with its Jingle condition. */
export function fromJingleError(error: JingleError): StanzaError {
  return new StanzaError(
    error.condition,
    error.message,
    error.jingleCondition ? jingleCondition(error.jingleCondition) : {},
  );
}

/** item-not-found with <unknown-session/>: no such session for this sender. */
export function unknownSession(text = 'unknown session'): StanzaError {
  return new StanzaError('item-not-found', text, jingleCondition('unknown-session'));
}
