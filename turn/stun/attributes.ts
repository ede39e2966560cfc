/**
 * Encoders and decoders for STUN/TURN attribute values (RFC 5389 §15,
 * RFC 5766 §14, RFC 6156 §4.1.1). Pure. Decoders return undefined for a
 * malformed value, so callers answer 400 instead of throwing.
 */
import { formatIp, parseIp } from '../ip';
import { Attr, Family, MAGIC_COOKIE, REASONS, type FamilyValue } from './constants';
import type { StunAttribute } from './message';

export interface TransportAddress {
  family: FamilyValue;
  address: string;
  port: number;
}

export function encodeXorAddress(
  type: number,
  address: string,
  port: number,
  transactionId: Buffer,
): StunAttribute {
  const ip = parseIp(address);
  if (!ip) throw new TypeError(`not an IP address: ${address}`);
  const value = Buffer.alloc(4 + ip.bytes.length);
  value[1] = ip.family === 4 ? Family.IPV4 : Family.IPV6;
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  const key = xorKey(transactionId);
  for (let i = 0; i < ip.bytes.length; i++) value[4 + i] = ip.bytes.readUInt8(i) ^ key.readUInt8(i);
  return { type, value };
}

export function decodeXorAddress(
  value: Buffer,
  transactionId: Buffer,
): TransportAddress | undefined {
  if (value.length < 4) return undefined;
  const family = value[1];
  const size = family === Family.IPV4 ? 4 : family === Family.IPV6 ? 16 : 0;
  if (size === 0 || value.length !== 4 + size) return undefined;
  const key = xorKey(transactionId);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = value.readUInt8(4 + i) ^ key.readUInt8(i);
  return {
    family: family as FamilyValue,
    address: formatIp(bytes),
    port: value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16),
  };
}

function xorKey(transactionId: Buffer): Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(key, 4);
  return key;
}

export function encodeErrorCode(code: number, reason = REASONS[code] ?? ''): StunAttribute {
  if (code < 300 || code > 699) throw new TypeError(`STUN error code out of range: ${code}`);
  const text = Buffer.from(reason, 'utf8');
  const value = Buffer.alloc(4 + text.length);
  value[2] = Math.floor(code / 100);
  value[3] = code % 100;
  text.copy(value, 4);
  return { type: Attr.ERROR_CODE, value };
}

export function decodeErrorCode(value: Buffer): { code: number; reason: string } | undefined {
  if (value.length < 4) return undefined;
  return {
    code: (value.readUInt8(2) & 0x7) * 100 + value.readUInt8(3),
    reason: value.toString('utf8', 4),
  };
}

export function encodeUnknownAttributes(types: readonly number[]): StunAttribute {
  const value = Buffer.alloc(types.length * 2);
  types.forEach((t, i) => value.writeUInt16BE(t, i * 2));
  return { type: Attr.UNKNOWN_ATTRIBUTES, value };
}

export function decodeUnknownAttributes(value: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i + 2 <= value.length; i += 2) out.push(value.readUInt16BE(i));
  return out;
}

export function encodeUint32(type: number, n: number): StunAttribute {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(n >>> 0, 0);
  return { type, value };
}

export function decodeUint32(value: Buffer): number | undefined {
  return value.length === 4 ? value.readUInt32BE(0) : undefined;
}

export function encodeText(type: number, text: string): StunAttribute {
  return { type, value: Buffer.from(text, 'utf8') };
}

/** REQUESTED-TRANSPORT: protocol number in the first byte, three bytes RFFU. */
export function encodeRequestedTransport(protocol: number): StunAttribute {
  return { type: Attr.REQUESTED_TRANSPORT, value: Buffer.from([protocol, 0, 0, 0]) };
}

/** REQUESTED-ADDRESS-FAMILY: family in the first byte, three bytes reserved. */
export function encodeRequestedFamily(family: number): StunAttribute {
  return { type: Attr.REQUESTED_ADDRESS_FAMILY, value: Buffer.from([family, 0, 0, 0]) };
}

/** EVEN-PORT: one byte, R (reserve the next port) in the top bit. */
export function encodeEvenPort(reserveNext: boolean): StunAttribute {
  return { type: Attr.EVEN_PORT, value: Buffer.from([reserveNext ? 0x80 : 0]) };
}

/** CHANNEL-NUMBER: 16-bit number, 16 bits RFFU. */
export function encodeChannelNumber(channel: number): StunAttribute {
  const value = Buffer.alloc(4);
  value.writeUInt16BE(channel, 0);
  return { type: Attr.CHANNEL_NUMBER, value };
}
