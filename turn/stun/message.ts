/**
 * STUN message codec (RFC 5389 §6, §15.4, §15.5): header, attribute TLVs,
 * MESSAGE-INTEGRITY (long-term key) and FINGERPRINT. Pure: buffers in,
 * buffers out. Decoding never throws; it returns the reason a datagram is
 * not a valid STUN message.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  Attr,
  FINGERPRINT_XOR,
  HEADER_LENGTH,
  MAGIC_COOKIE,
  type StunClassValue,
} from './constants';

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  method: number;
  klass: StunClassValue;
  /** 12 bytes. */
  transactionId: Buffer;
  /** Attributes in wire order, up to and including MESSAGE-INTEGRITY (later ones except FINGERPRINT are ignored, RFC 5389 §15.4). */
  attributes: StunAttribute[];
  /** Offset of the MESSAGE-INTEGRITY attribute header in `raw`, if present. */
  integrityOffset: number | undefined;
  hasFingerprint: boolean;
  raw: Buffer;
}

export type DecodeResult = { ok: true; message: StunMessage } | { ok: false; reason: string };

/** The 14-bit message type: method bits M0-M11 interleaved with class bits C0, C1. */
export function messageType(method: number, klass: number): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((klass & 0x1) << 4) |
    ((klass & 0x2) << 7)
  );
}

function splitType(type: number): { method: number; klass: StunClassValue } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const klass = (((type & 0x0010) >> 4) | ((type & 0x0100) >> 7)) as StunClassValue;
  return { method, klass };
}

/** True when the first bytes look like a STUN header (top two bits zero, magic cookie). */
export function looksLikeStun(buf: Buffer): boolean {
  return (
    buf.length >= HEADER_LENGTH &&
    (buf.readUInt8(0) & 0xc0) === 0 &&
    buf.readUInt32BE(4) === MAGIC_COOKIE
  );
}

export function fingerprintOf(bytes: Buffer): number {
  return (crc32(bytes) ^ FINGERPRINT_XOR) >>> 0;
}

export function decodeStun(buf: Buffer): DecodeResult {
  if (buf.length < HEADER_LENGTH) return { ok: false, reason: 'shorter than a STUN header' };
  if ((buf.readUInt8(0) & 0xc0) !== 0) return { ok: false, reason: 'top two bits are not zero' };
  if (buf.readUInt32BE(4) !== MAGIC_COOKIE) return { ok: false, reason: 'no magic cookie' };
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0) return { ok: false, reason: 'length is not a multiple of 4' };
  if (HEADER_LENGTH + length !== buf.length) {
    return { ok: false, reason: `length ${length} does not match datagram size ${buf.length}` };
  }
  const { method, klass } = splitType(buf.readUInt16BE(0));
  const attributes: StunAttribute[] = [];
  let integrityOffset: number | undefined;
  let hasFingerprint = false;
  let offset = HEADER_LENGTH;
  while (offset < buf.length) {
    if (hasFingerprint) return { ok: false, reason: 'attribute after FINGERPRINT' };
    if (offset + 4 > buf.length) return { ok: false, reason: 'truncated attribute header' };
    const type = buf.readUInt16BE(offset);
    const valueLength = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + valueLength;
    if (end > buf.length)
      return { ok: false, reason: `attribute 0x${hex(type)} overruns the message` };
    const value = buf.subarray(offset + 4, end);
    if (type === Attr.FINGERPRINT) {
      if (valueLength !== 4) return { ok: false, reason: 'FINGERPRINT is not 4 bytes' };
      const covered = Buffer.from(buf.subarray(0, offset));
      covered.writeUInt16BE(offset + 8 - HEADER_LENGTH, 2);
      if (fingerprintOf(covered) !== value.readUInt32BE(0)) {
        return { ok: false, reason: 'FINGERPRINT mismatch' };
      }
      hasFingerprint = true;
    } else if (integrityOffset === undefined) {
      if (type === Attr.MESSAGE_INTEGRITY) {
        if (valueLength !== 20) return { ok: false, reason: 'MESSAGE-INTEGRITY is not 20 bytes' };
        integrityOffset = offset;
      }
      attributes.push({ type, value });
    }
    offset = end + ((4 - (valueLength % 4)) % 4);
  }
  if (offset !== buf.length) return { ok: false, reason: 'attribute padding overruns the message' };
  return {
    ok: true,
    message: {
      method,
      klass,
      transactionId: buf.subarray(8, 20),
      attributes,
      integrityOffset,
      hasFingerprint,
      raw: buf,
    },
  };
}

/** The first attribute of a type (RFC 5389: only the first one counts). */
export function getAttribute(message: StunMessage, type: number): Buffer | undefined {
  return message.attributes.find((a) => a.type === type)?.value;
}

export function getAttributes(message: StunMessage, type: number): Buffer[] {
  return message.attributes.filter((a) => a.type === type).map((a) => a.value);
}

/** Long-term credential key: MD5(username ":" realm ":" password) (RFC 5389 §15.4). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest();
}

/** Verifies MESSAGE-INTEGRITY with `key`; false if there is none. */
export function verifyIntegrity(message: StunMessage, key: Buffer): boolean {
  const at = message.integrityOffset;
  if (at === undefined) return false;
  const covered = Buffer.from(message.raw.subarray(0, at));
  covered.writeUInt16BE(at + 24 - HEADER_LENGTH, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  return timingSafeEqual(expected, message.raw.subarray(at + 4, at + 24));
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY computed with this key. */
  integrityKey?: Buffer;
  fingerprint?: boolean;
}

export interface OutgoingMessage {
  method: number;
  klass: StunClassValue;
  transactionId: Buffer;
  attributes: StunAttribute[];
}

export function encodeStun(message: OutgoingMessage, options: EncodeOptions = {}): Buffer {
  if (message.transactionId.length !== 12) throw new TypeError('transaction id must be 12 bytes');
  const head = Buffer.alloc(HEADER_LENGTH);
  const parts: Buffer[] = [head];
  let length = 0;
  for (const { type, value } of message.attributes) {
    const header = Buffer.alloc(4);
    header.writeUInt16BE(type, 0);
    header.writeUInt16BE(value.length, 2);
    const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
    parts.push(header, value, padding);
    length += 4 + value.length + padding.length;
  }
  head.writeUInt16BE(messageType(message.method, message.klass), 0);
  head.writeUInt32BE(MAGIC_COOKIE, 4);
  message.transactionId.copy(head, 8);
  if (options.integrityKey) {
    head.writeUInt16BE(length + 24, 2);
    const mac = createHmac('sha1', options.integrityKey).update(Buffer.concat(parts)).digest();
    const header = Buffer.alloc(4);
    header.writeUInt16BE(Attr.MESSAGE_INTEGRITY, 0);
    header.writeUInt16BE(20, 2);
    parts.push(header, mac);
    length += 24;
  }
  if (options.fingerprint) {
    head.writeUInt16BE(length + 8, 2);
    const crc = fingerprintOf(Buffer.concat(parts));
    const attr = Buffer.alloc(8);
    attr.writeUInt16BE(Attr.FINGERPRINT, 0);
    attr.writeUInt16BE(4, 2);
    attr.writeUInt32BE(crc, 4);
    parts.push(attr);
    length += 8;
  }
  head.writeUInt16BE(length, 2);
  return Buffer.concat(parts);
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
