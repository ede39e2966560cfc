/**
 * Checks of TURN requests before they are served, as RFC 5389 §7.3.1,
 * RFC 5766 §6.2/§7.2/§9.2/§11.2 and RFC 6156 §4.2 order them. Pure: a
 * decoded STUN message in, a typed request or the STUN error to answer out.
 */
import type { IpFamily } from './ip';
import type { PeerPolicy } from './peerPolicy';
import { decodeXorAddress, type TransportAddress } from './stun/attributes';
import { MAX_CHANNEL, MIN_CHANNEL } from './stun/channelData';
import {
  Attr,
  ErrorCode,
  Family,
  isComprehensionRequired,
  Method,
  TRANSPORT_UDP,
} from './stun/constants';
import { getAttribute, getAttributes, type StunMessage } from './stun/message';

export interface Failure {
  code: number;
  /** For 420: the attribute types not understood. */
  unknown?: number[];
}

const AUTH = [Attr.USERNAME, Attr.MESSAGE_INTEGRITY, Attr.REALM, Attr.NONCE];

/**
 * The comprehension-required attributes understood per method. DONT-FRAGMENT
 * is deliberately absent: Node cannot set the DF bit on a UDP socket, and
 * RFC 5766 §6.2 then treats it as an unknown comprehension-required attribute.
 */
const UNDERSTOOD = new Map<number, ReadonlySet<number>>([
  [Method.BINDING, new Set(AUTH)],
  [
    Method.ALLOCATE,
    new Set([
      ...AUTH,
      Attr.LIFETIME,
      Attr.REQUESTED_TRANSPORT,
      Attr.EVEN_PORT,
      Attr.RESERVATION_TOKEN,
      Attr.REQUESTED_ADDRESS_FAMILY,
    ]),
  ],
  [Method.REFRESH, new Set([...AUTH, Attr.LIFETIME, Attr.REQUESTED_ADDRESS_FAMILY])],
  [Method.CREATE_PERMISSION, new Set([...AUTH, Attr.XOR_PEER_ADDRESS])],
  [Method.CHANNEL_BIND, new Set([...AUTH, Attr.CHANNEL_NUMBER, Attr.XOR_PEER_ADDRESS])],
  [Method.SEND, new Set([Attr.XOR_PEER_ADDRESS, Attr.DATA])],
]);

/** Comprehension-required attribute types this method does not understand, once each. */
export function unknownAttributes(message: StunMessage): number[] {
  const understood = UNDERSTOOD.get(message.method) ?? new Set<number>(AUTH);
  const unknown: number[] = [];
  for (const { type } of message.attributes) {
    if (isComprehensionRequired(type) && !understood.has(type) && !unknown.includes(type)) {
      unknown.push(type);
    }
  }
  return unknown;
}

export function isFailure<T extends object>(result: T | Failure): result is Failure {
  return 'code' in result;
}

export interface AllocateRequest {
  /** Requested lifetime in seconds, if any. */
  lifetime: number | undefined;
  evenPort: { reserveNext: boolean } | undefined;
  /** RESERVATION-TOKEN as 8 latin1 characters. */
  reservationToken: string | undefined;
}

function familyCode(family: IpFamily): number {
  return family === 4 ? Family.IPV4 : Family.IPV6;
}

export function parseAllocate(
  message: StunMessage,
  relayFamily: IpFamily,
): AllocateRequest | Failure {
  const transport = getAttribute(message, Attr.REQUESTED_TRANSPORT);
  if (!transport || transport.length !== 4) return { code: ErrorCode.BAD_REQUEST };
  if (transport.readUInt8(0) !== TRANSPORT_UDP) return { code: ErrorCode.UNSUPPORTED_TRANSPORT };

  const even = getAttribute(message, Attr.EVEN_PORT);
  const token = getAttribute(message, Attr.RESERVATION_TOKEN);
  const family = getAttribute(message, Attr.REQUESTED_ADDRESS_FAMILY);
  const lifetime = getAttribute(message, Attr.LIFETIME);
  if (even && even.length !== 1) return { code: ErrorCode.BAD_REQUEST };
  if (token && token.length !== 8) return { code: ErrorCode.BAD_REQUEST };
  if (lifetime && lifetime.length !== 4) return { code: ErrorCode.BAD_REQUEST };
  if (even && token) return { code: ErrorCode.BAD_REQUEST };
  if (family) {
    if (family.length !== 4 || token) return { code: ErrorCode.BAD_REQUEST };
    if (family.readUInt8(0) !== familyCode(relayFamily)) {
      return { code: ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED };
    }
  }
  return {
    lifetime: lifetime?.readUInt32BE(0),
    evenPort: even ? { reserveNext: (even.readUInt8(0) & 0x80) !== 0 } : undefined,
    reservationToken: token?.toString('latin1'),
  };
}

export function parseRefresh(
  message: StunMessage,
  relayFamily: IpFamily,
): { lifetime: number | undefined } | Failure {
  const lifetime = getAttribute(message, Attr.LIFETIME);
  if (lifetime && lifetime.length !== 4) return { code: ErrorCode.BAD_REQUEST };
  const family = getAttribute(message, Attr.REQUESTED_ADDRESS_FAMILY);
  if (family) {
    if (family.length !== 4) return { code: ErrorCode.BAD_REQUEST };
    if (family.readUInt8(0) !== familyCode(relayFamily)) {
      return { code: ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH };
    }
  }
  return { lifetime: lifetime?.readUInt32BE(0) };
}

/** XOR-PEER-ADDRESS values of a CreatePermission/ChannelBind/Send, checked against the policy. */
export function parsePeers(
  message: StunMessage,
  relayFamily: IpFamily,
  policy: PeerPolicy,
): { peers: TransportAddress[] } | Failure {
  const values = getAttributes(message, Attr.XOR_PEER_ADDRESS);
  if (values.length === 0) return { code: ErrorCode.BAD_REQUEST };
  const peers: TransportAddress[] = [];
  for (const value of values) {
    const peer = decodeXorAddress(value, message.transactionId);
    if (!peer) return { code: ErrorCode.BAD_REQUEST };
    peers.push(peer);
  }
  if (peers.some((p) => p.family !== familyCode(relayFamily))) {
    return { code: ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH };
  }
  if (peers.some((p) => policy.check(p.address) !== 'allowed')) {
    return { code: ErrorCode.FORBIDDEN };
  }
  return { peers };
}

export function parseChannelBind(
  message: StunMessage,
  relayFamily: IpFamily,
  policy: PeerPolicy,
): { channel: number; peer: TransportAddress } | Failure {
  const value = getAttribute(message, Attr.CHANNEL_NUMBER);
  if (!value || value.length !== 4) return { code: ErrorCode.BAD_REQUEST };
  const channel = value.readUInt16BE(0);
  if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) return { code: ErrorCode.BAD_REQUEST };
  const peers = parsePeers(message, relayFamily, policy);
  if (isFailure(peers)) return peers;
  const [peer] = peers.peers;
  if (!peer || peers.peers.length > 1) return { code: ErrorCode.BAD_REQUEST };
  return { channel, peer };
}

/**
 * The lifetime granted (RFC 5766 §6.2, §7.2): what the client asked for, at
 * least the default and at most the maximum; the default when it asked nothing.
 */
export function grantedLifetime(
  requested: number | undefined,
  defaultLifetime: number,
  maxLifetime: number,
): number {
  return Math.min(Math.max(requested ?? defaultLifetime, defaultLifetime), maxLifetime);
}
