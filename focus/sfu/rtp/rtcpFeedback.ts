/**
 * Keyframe requests in RTCP: a Picture Loss Indication (RFC 4585 §6.3.1) or
 * a Full Intra Request (RFC 5104 §4.3.1), found in a compound packet. No I/O.
 */

const PSFB = 206;
const FMT_PLI = 1;
const FMT_FIR = 4;

/**
 * Whether the (compound) RTCP packet asks the sender of `mediaSsrc` for a
 * keyframe. Malformed input is never a request.
 */
export function requestsKeyFrame(rtcp: Uint8Array, mediaSsrc: number): boolean {
  const view = new DataView(rtcp.buffer, rtcp.byteOffset, rtcp.byteLength);
  for (let offset = 0; offset + 4 <= rtcp.length;) {
    const first = view.getUint8(offset);
    if (first >> 6 !== 2) return false;
    const length = 4 * (view.getUint16(offset + 2) + 1);
    const end = offset + length;
    if (end > rtcp.length) return false;
    if (view.getUint8(offset + 1) === PSFB) {
      const fmt = first & 0x1f;
      if (fmt === FMT_PLI && length >= 12 && view.getUint32(offset + 8) === mediaSsrc >>> 0)
        return true;
      if (fmt === FMT_FIR) {
        // FCI entries of 8 bytes: SSRC, then sequence number and reserved bits.
        for (let fci = offset + 12; fci + 8 <= end; fci += 8)
          if (view.getUint32(fci) === mediaSsrc >>> 0) return true;
      }
    }
    offset = end;
  }
  return false;
}
