/**
 * H.264 over RTP (RFC 6184): whether a packet starts a keyframe, i.e. carries
 * an IDR slice or a sequence parameter set, alone (§5.6), in a STAP-A
 * aggregate (§5.7.1) or as the first fragment of an FU-A (§5.8). No I/O.
 */

const NAL_IDR = 5;
const NAL_SPS = 7;
const STAP_A = 24;
const FU_A = 28;

const isKey = (type: number): boolean => type === NAL_IDR || type === NAL_SPS;

export function isH264KeyFrameStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const type = view.getUint8(0) & 0x1f;
  if (type === STAP_A) {
    // Each aggregated unit: a 16-bit size, then the NAL unit.
    for (let i = 1; i + 3 <= payload.length;) {
      const size = view.getUint16(i);
      if (size === 0 || i + 2 + size > payload.length) return false;
      if (isKey(view.getUint8(i + 2) & 0x1f)) return true;
      i += 2 + size;
    }
    return false;
  }
  if (type === FU_A) {
    if (payload.length < 2) return false;
    const header = view.getUint8(1);
    return (header & 0x80) !== 0 && isKey(header & 0x1f);
  }
  return isKey(type);
}
