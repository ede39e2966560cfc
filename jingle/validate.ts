/**
 * Checks a model built in code (from SDP, from mediasoup) against exactly the
 * rules the parser applies to stanzas from the network, by serializing and
 * parsing it back. The returned payload is the normalized one (e.g. every
 * candidate has an id).
 */
import type { JingleError } from './JingleError';
import type { JinglePayload } from './model';
import type { Result } from './result';
import { parseJingle } from './parseJingle';
import { serializeJingle } from './serializeJingle';

export function validateJingle(payload: JinglePayload): Result<JinglePayload, JingleError> {
  return parseJingle(serializeJingle(payload));
}
