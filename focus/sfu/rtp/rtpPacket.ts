/**
 * RTP packets (RFC 3550 §5.1) as Node Buffers: the fixed header's fields,
 * read and rewritten in place, the payload's bounds past CSRCs, the header
 * extension and padding, and a packet built from a payload. No I/O.
 */

export const RTP_HEADER_SIZE = 12;

export interface RtpHeader {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
}

/** The header of a well-formed RTP packet (version 2, payload inside the buffer), or null. */
export function readRtpHeader(packet: Uint8Array): RtpHeader | null {
  if (payloadBounds(packet) === null) return null;
  const view = viewOf(packet);
  const second = view.getUint8(1);
  return {
    payloadType: second & 0x7f,
    marker: (second & 0x80) !== 0,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
  };
}

/** Where the payload starts and ends, or null when the packet is malformed. */
export function payloadBounds(packet: Uint8Array): { start: number; end: number } | null {
  if (packet.length < RTP_HEADER_SIZE) return null;
  const view = viewOf(packet);
  const first = view.getUint8(0);
  if (first >> 6 !== 2) return null;
  let start = RTP_HEADER_SIZE + 4 * (first & 0x0f);
  if (first & 0x10) {
    if (packet.length < start + 4) return null;
    start += 4 + 4 * view.getUint16(start + 2);
  }
  let end = packet.length;
  if (first & 0x20) end -= view.getUint8(packet.length - 1);
  return start <= end ? { start, end } : null;
}

/** The payload as a view into the packet (no copy), or null when malformed. */
export function rtpPayload(packet: Uint8Array): Uint8Array | null {
  const bounds = payloadBounds(packet);
  return bounds && packet.subarray(bounds.start, bounds.end);
}

/** Rewrites the stream fields of a packet in place. */
export function rewriteRtpHeader(
  packet: Uint8Array,
  fields: Partial<Pick<RtpHeader, 'sequenceNumber' | 'timestamp' | 'ssrc' | 'payloadType'>>,
): void {
  const view = viewOf(packet);
  if (fields.payloadType !== undefined)
    view.setUint8(1, (view.getUint8(1) & 0x80) | (fields.payloadType & 0x7f));
  if (fields.sequenceNumber !== undefined) view.setUint16(2, fields.sequenceNumber & 0xffff);
  if (fields.timestamp !== undefined) view.setUint32(4, fields.timestamp >>> 0);
  if (fields.ssrc !== undefined) view.setUint32(8, fields.ssrc >>> 0);
}

/** A packet with a bare 12-byte header (no CSRC, extension or padding) around `payload`. */
export function buildRtpPacket(header: RtpHeader, payload: Uint8Array): Buffer {
  const packet = Buffer.allocUnsafe(RTP_HEADER_SIZE + payload.length);
  packet[0] = 0x80;
  packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
  packet.set(payload, RTP_HEADER_SIZE);
  return packet;
}

/** a − b for 16-bit sequence numbers, as a signed distance in [−32768, 32767]. */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** A random 32-bit value for an SSRC or an initial timestamp. */
export function random32(): number {
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

function viewOf(packet: Uint8Array): DataView {
  return new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
}
