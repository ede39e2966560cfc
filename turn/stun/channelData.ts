/**
 * TURN ChannelData messages (RFC 5766 §11.4): 2-byte channel number
 * (0x4000-0x7FFF), 2-byte length, data. Over UDP the padding to a multiple
 * of four bytes is optional, so a datagram may be up to 3 bytes longer.
 */

export const MIN_CHANNEL = 0x4000;
export const MAX_CHANNEL = 0x7ffe;

/** True when the first two bits are 01, the ChannelData prefix. */
export function isChannelData(buf: Buffer): boolean {
  return buf.length >= 1 && (buf.readUInt8(0) & 0xc0) === 0x40;
}

export interface ChannelData {
  channel: number;
  data: Buffer;
}

export function decodeChannelData(buf: Buffer): ChannelData | undefined {
  if (buf.length < 4 || !isChannelData(buf)) return undefined;
  const channel = buf.readUInt16BE(0);
  const length = buf.readUInt16BE(2);
  if (channel > MAX_CHANNEL || 4 + length > buf.length || buf.length - 4 - length > 3) {
    return undefined;
  }
  return { channel, data: buf.subarray(4, 4 + length) };
}

export function encodeChannelData(channel: number, data: Buffer): Buffer {
  const padded = (data.length + 3) & ~3;
  const out = Buffer.alloc(4 + padded);
  out.writeUInt16BE(channel, 0);
  out.writeUInt16BE(data.length, 2);
  data.copy(out, 4);
  return out;
}
