/**
 * The VP8 payload descriptor (RFC 7741 §4.2): where a packet's PictureID and
 * TL0PICIDX sit, so a switch can rewrite them, and whether the packet starts
 * a keyframe (§4.3, the inverse key frame flag). No I/O.
 */

export interface Vp8Descriptor {
  /** The packet starts a frame: S bit set, partition index 0. */
  frameStart: boolean;
  /** The packet starts a keyframe. */
  keyFrame: boolean;
  pictureId?: { offset: number; bits: 7 | 15; value: number };
  tl0PicIdx?: { offset: number; value: number };
}

/** The descriptor at the start of a VP8 RTP payload, or null when it is truncated. */
export function parseVp8Descriptor(payload: Uint8Array): Vp8Descriptor | null {
  if (payload.length < 1) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const first = view.getUint8(0);
  const descriptor: Vp8Descriptor = {
    frameStart: (first & 0x10) !== 0 && (first & 0x07) === 0,
    keyFrame: false,
  };
  let i = 1;
  if (first & 0x80) {
    if (payload.length < 2) return null;
    const ext = view.getUint8(i++);
    if (ext & 0x80) {
      if (payload.length < i + 1) return null;
      const high = view.getUint8(i);
      if (high & 0x80) {
        if (payload.length < i + 2) return null;
        descriptor.pictureId = {
          offset: i,
          bits: 15,
          value: ((high & 0x7f) << 8) | view.getUint8(i + 1),
        };
        i += 2;
      } else {
        descriptor.pictureId = { offset: i, bits: 7, value: high };
        i += 1;
      }
    }
    if (ext & 0x40) {
      if (payload.length < i + 1) return null;
      descriptor.tl0PicIdx = { offset: i, value: view.getUint8(i) };
      i += 1;
    }
    if (ext & 0x30) i += 1;
  }
  if (payload.length < i) return null;
  // The VP8 payload header's P bit is 0 on keyframes.
  descriptor.keyFrame = descriptor.frameStart && i < payload.length && !(view.getUint8(i) & 0x01);
  return descriptor;
}

/** Writes a PictureID into the field the descriptor found, in its own width. */
export function writePictureId(payload: Uint8Array, d: Vp8Descriptor, value: number): void {
  if (!d.pictureId) return;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (d.pictureId.bits === 15) view.setUint16(d.pictureId.offset, 0x8000 | (value & 0x7fff));
  else view.setUint8(d.pictureId.offset, value & 0x7f);
}

export function writeTl0PicIdx(payload: Uint8Array, d: Vp8Descriptor, value: number): void {
  if (d.tl0PicIdx) payload[d.tl0PicIdx.offset] = value & 0xff;
}
