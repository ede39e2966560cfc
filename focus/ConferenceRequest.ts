/**
 * Who may ask for which conference: the room must be on the focus's MUC
 * service and the requester's domain allowed by `focus.remote-domains`. The
 * stanza itself is client/focusProtocol's; Focus.ts acts on valid requests.
 */
import type { Element } from '@xmpp/xml';
import { parseJid } from '../component/jid';
import { StanzaError } from '../component/StanzaError';
import type { RemoteDomainPolicy } from './config';

export interface ConferenceRequest {
  /** Bare JID of the room, lower-cased. */
  room: string;
  /** Full JID of the requester. */
  requester: string;
}

export interface RequestPolicy {
  /** The MUC service the focus serves, e.g. conference.example.org. */
  mucDomain: string;
  /** Domains whose users are local (the user host and the guest host). */
  localDomains: ReadonlySet<string>;
  remoteDomains: RemoteDomainPolicy;
}

/** Checks a conference request; returns it or the StanzaError to answer with. */
export function validateConferenceRequest(
  payload: Element,
  from: string,
  policy: RequestPolicy,
): ConferenceRequest | StanzaError {
  const roomAttr = payload.attrs.room;
  if (!roomAttr) return new StanzaError('bad-request', 'missing room attribute');
  if (roomAttr.length > 1024) return new StanzaError('bad-request', 'room JID too long');
  const room = parseJid(roomAttr);
  if (!room || !room.local)
    return new StanzaError('bad-request', `"${roomAttr}" is not a room JID`);
  if (room.domain !== policy.mucDomain) {
    return new StanzaError('not-allowed', `this focus only serves rooms on ${policy.mucDomain}`);
  }
  const requester = parseJid(from);
  if (!requester || !requester.resource)
    return new StanzaError('bad-request', 'requests must come from a full JID');
  const domain = requester.domain;
  if (!policy.localDomains.has(domain)) {
    const p = policy.remoteDomains;
    if (p.kind === 'none') {
      return new StanzaError(
        'not-allowed',
        `conferences are open to local users only; ${domain} is a remote domain`,
      );
    }
    if (p.kind === 'list' && !p.domains.has(domain)) {
      return new StanzaError(
        'not-allowed',
        `users of ${domain} may not join conferences here (domain not in the allow-list)`,
      );
    }
  }
  return { room: `${room.local.toLowerCase()}@${room.domain}`, requester: from };
}
