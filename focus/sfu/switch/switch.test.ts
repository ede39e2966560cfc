import fc from 'fast-check';
import { buildRtpPacket, readRtpHeader, rtpPayload } from '../rtp/rtpPacket';
import { isH264KeyFrameStart } from './h264';
import { isKeyFrameStart, SwitchedStream } from './SwitchedStream';
import { parseVp8Descriptor } from './vp8';

/** A VP8 payload: descriptor with a 15-bit PictureID, TL0PICIDX and TID, then the payload header. */
function vp8(options: { pictureId: number; tl0: number; start?: boolean; key?: boolean }): Buffer {
  const start = options.start ?? true;
  return Buffer.from([
    0x80 | (start ? 0x10 : 0), // X, S, PID 0
    0xe0, // I, L, T
    0x80 | (options.pictureId >> 8),
    options.pictureId & 0xff,
    options.tl0,
    0x40, // TID 1, Y
    options.key ? 0x10 : 0x11, // P bit clear on keyframes
    0xaa,
  ]);
}

function packet(seq: number, ts: number, payload: Buffer, ssrc = 1111): Buffer {
  return buildRtpPacket(
    { payloadType: 101, sequenceNumber: seq, timestamp: ts, ssrc, marker: false },
    payload,
  );
}

test('the VP8 descriptor gives the PictureID, TL0PICIDX and the keyframe flag', () => {
  const d = parseVp8Descriptor(vp8({ pictureId: 0x1234, tl0: 9, key: true }));
  expect(d).toEqual({
    frameStart: true,
    keyFrame: true,
    pictureId: { offset: 2, bits: 15, value: 0x1234 },
    tl0PicIdx: { offset: 4, value: 9 },
  });
  expect(parseVp8Descriptor(vp8({ pictureId: 1, tl0: 0 }))?.keyFrame).toBe(false);
  expect(parseVp8Descriptor(vp8({ pictureId: 1, tl0: 0, start: false, key: true }))?.keyFrame).toBe(
    false,
  );
  // A 7-bit PictureID and no other extension.
  expect(parseVp8Descriptor(Buffer.from([0x90, 0x80, 0x05, 0x00]))).toEqual({
    frameStart: true,
    keyFrame: true,
    pictureId: { offset: 2, bits: 7, value: 5 },
  });
  // No descriptor extension at all.
  expect(parseVp8Descriptor(Buffer.from([0x10, 0x01]))?.keyFrame).toBe(false);
});

test('a truncated VP8 descriptor is refused', () => {
  const full = vp8({ pictureId: 0x1234, tl0: 9, key: true });
  for (let n = 0; n < 6; n++) expect(parseVp8Descriptor(full.subarray(0, n))).toBeNull();
});

test('H.264 keyframes start with an IDR or SPS, alone, aggregated or as a first fragment', () => {
  expect(isH264KeyFrameStart(Buffer.from([0x65, 0x88]))).toBe(true); // IDR
  expect(isH264KeyFrameStart(Buffer.from([0x41, 0x9a]))).toBe(false); // non-IDR slice
  expect(isH264KeyFrameStart(Buffer.from([0x78, 0, 2, 0x67, 0x42, 0, 1, 0x68]))).toBe(true); // STAP-A: SPS, PPS
  expect(isH264KeyFrameStart(Buffer.from([0x78, 0, 1, 0x68, 0, 1, 0x06]))).toBe(false); // STAP-A: PPS, SEI
  expect(isH264KeyFrameStart(Buffer.from([0x78, 0, 9, 0x67]))).toBe(false); // truncated STAP-A
  expect(isH264KeyFrameStart(Buffer.from([0x7c, 0x85, 0x88]))).toBe(true); // FU-A start of IDR
  expect(isH264KeyFrameStart(Buffer.from([0x7c, 0x05, 0x88]))).toBe(false); // FU-A middle
  expect(isH264KeyFrameStart(Buffer.alloc(0))).toBe(false);
});

test('isKeyFrameStart reads the payload past the RTP header', () => {
  expect(isKeyFrameStart('VP8', packet(1, 1, vp8({ pictureId: 1, tl0: 1, key: true })))).toBe(true);
  expect(isKeyFrameStart('VP8', packet(1, 1, vp8({ pictureId: 1, tl0: 1 })))).toBe(false);
  expect(isKeyFrameStart('H264', packet(1, 1, Buffer.from([0x65])))).toBe(true);
  expect(isKeyFrameStart('VP8', Buffer.alloc(4))).toBe(false);
});

test('a switch continues SSRC, sequence numbers, timestamps, PictureID and TL0PICIDX', () => {
  const stream = new SwitchedStream({
    ssrc: 4242,
    codec: 'VP8',
    clockRate: 90000,
    initialSeq: 65534,
    initialTimestamp: 1000,
  });
  const out = (p: Buffer) => {
    const h = readRtpHeader(p);
    const d = parseVp8Descriptor(rtpPayload(p) ?? Buffer.alloc(0));
    return [h?.ssrc, h?.sequenceNumber, h?.timestamp, d?.pictureId?.value, d?.tl0PicIdx?.value];
  };
  // Source A: two frames.
  const a = [
    packet(100, 50000, vp8({ pictureId: 300, tl0: 7, key: true }), 1),
    packet(101, 50000, vp8({ pictureId: 300, tl0: 7, start: false })),
    packet(102, 56000, vp8({ pictureId: 301, tl0: 8 }), 1),
  ];
  expect(a.map((p, i) => stream.rewrite(p, 10 + i * 33))).toEqual([true, true, true]);
  const [, , , pictureA, tl0A] = out(a[0] ?? Buffer.alloc(0));
  expect(a.map(out)).toEqual([
    [4242, 65534, 1000, pictureA, tl0A],
    [4242, 65535, 1000, pictureA, tl0A],
    [4242, 0, 7000, ((pictureA ?? 0) + 1) & 0x7fff, ((tl0A ?? 0) + 1) & 0xff],
  ]);

  // Source B, 100 ms after A's last frame (at 76 ms): its keyframe continues the stream.
  stream.resync();
  const b = [
    packet(9000, 123456, vp8({ pictureId: 20000, tl0: 200, key: true }), 2),
    packet(9001, 123456, vp8({ pictureId: 20000, tl0: 200, start: false }), 2),
  ];
  expect(b.map((p) => stream.rewrite(p, 176))).toEqual([true, true]);
  expect(b.map(out)).toEqual([
    [4242, 1, 7000 + 9000, ((pictureA ?? 0) + 2) & 0x7fff, ((tl0A ?? 0) + 2) & 0xff],
    [4242, 2, 7000 + 9000, ((pictureA ?? 0) + 2) & 0x7fff, ((tl0A ?? 0) + 2) & 0xff],
  ]);
  // A late packet of B from before its keyframe is dropped; a reordered one after it is kept.
  expect(stream.rewrite(packet(8999, 120000, vp8({ pictureId: 19999, tl0: 199 })), 180)).toBe(
    false,
  );
  const reordered = packet(9003, 129456, vp8({ pictureId: 20001, tl0: 201 }));
  expect(stream.rewrite(reordered, 200)).toBe(true);
  expect(out(reordered).slice(1, 3)).toEqual([4, 16000 + 6000]);
  expect(stream.packets).toBe(6);
});

test('a malformed packet is dropped without disturbing the stream', () => {
  const stream = new SwitchedStream({ ssrc: 1, codec: 'VP8', clockRate: 90000, initialSeq: 10 });
  expect(stream.rewrite(Buffer.from([1, 2, 3]), 0)).toBe(false);
  expect(stream.rewrite(packet(5, 5, Buffer.alloc(0)), 0)).toBe(false); // no VP8 descriptor
  const good = packet(77, 5, vp8({ pictureId: 1, tl0: 1, key: true }));
  expect(stream.rewrite(good, 0)).toBe(true);
  expect(readRtpHeader(good)?.sequenceNumber).toBe(10);
});

test('property: across any switches, in-order input gives sequence numbers that go on by one and timestamps that never go back', () => {
  const source = fc.record({
    seq: fc.integer({ min: 0, max: 65535 }),
    ts: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    pictureId: fc.integer({ min: 0, max: 0x7fff }),
    frames: fc.integer({ min: 1, max: 40 }),
    gapMs: fc.integer({ min: 0, max: 5000 }),
  });
  fc.assert(
    fc.property(fc.array(source, { minLength: 1, maxLength: 6 }), (sources) => {
      const stream = new SwitchedStream({ ssrc: 9, codec: 'VP8', clockRate: 90000 });
      let now = 0;
      let previous: { seq: number; ts: number; pictureId: number } | null = null;
      for (const s of sources) {
        stream.resync();
        now += s.gapMs;
        for (let f = 0; f < s.frames; f++, now += 33) {
          const p = packet(
            (s.seq + f) & 0xffff,
            (s.ts + f * 3000) >>> 0,
            vp8({ pictureId: (s.pictureId + f) & 0x7fff, tl0: f & 0xff, key: f === 0 }),
          );
          if (!stream.rewrite(p, now)) return false;
          const h = readRtpHeader(p);
          const pictureId = parseVp8Descriptor(rtpPayload(p) ?? Buffer.alloc(0))?.pictureId?.value;
          if (!h || pictureId === undefined) return false;
          if (previous) {
            if (h.sequenceNumber !== ((previous.seq + 1) & 0xffff)) return false;
            if (((h.timestamp - previous.ts) | 0) <= 0) return false;
            if (pictureId !== ((previous.pictureId + 1) & 0x7fff)) return false;
          }
          previous = { seq: h.sequenceNumber, ts: h.timestamp, pictureId };
        }
      }
      return true;
    }),
  );
});
