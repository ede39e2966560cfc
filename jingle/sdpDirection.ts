/**
 * SDP direction ↔ Jingle senders. A direction is always seen from the party
 * that wrote the SDP (its `author`): `sendonly` in the initiator's SDP is
 * senders='initiator', `sendonly` in the responder's is senders='responder'.
 */
import type { Role, Senders } from './model';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export function sendersFromDirection(direction: Direction, author: Role): Senders {
  switch (direction) {
    case 'sendrecv':
      return 'both';
    case 'inactive':
      return 'none';
    case 'sendonly':
      return author;
    case 'recvonly':
      return author === 'initiator' ? 'responder' : 'initiator';
  }
}

export function directionFromSenders(senders: Senders, author: Role): Direction {
  switch (senders) {
    case 'both':
      return 'sendrecv';
    case 'none':
      return 'inactive';
    default:
      return senders === author ? 'sendonly' : 'recvonly';
  }
}

/** Whether the author of a description sends media with these senders. */
export function authorSends(senders: Senders, author: Role): boolean {
  return senders === 'both' || senders === author;
}

export function isDirection(value: unknown): value is Direction {
  return (
    value === 'sendrecv' || value === 'sendonly' || value === 'recvonly' || value === 'inactive'
  );
}
