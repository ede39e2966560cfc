import { requestsKeyFrame } from './rtcpFeedback';
import {
  buildRtpPacket,
  payloadBounds,
  readRtpHeader,
  rewriteRtpHeader,
  rtpPayload,
  seqDiff,
} from './rtpPacket';

const header = {
  payloadType: 101,
  sequenceNumber: 65535,
  timestamp: 0xfffffff0,
  ssrc: 0xdeadbeef,
  marker: true,
};

test('a built packet reads back, and rewriting changes only the stream fields', () => {
  const packet = buildRtpPacket(header, Buffer.from([1, 2, 3]));
  expect(readRtpHeader(packet)).toEqual(header);
  rewriteRtpHeader(packet, {
    sequenceNumber: 7,
    timestamp: 2 ** 32 + 5,
    ssrc: 42,
    payloadType: 96,
  });
  expect(readRtpHeader(packet)).toEqual({
    payloadType: 96,
    sequenceNumber: 7,
    timestamp: 5,
    ssrc: 42,
    marker: true,
  });
  expect([...(rtpPayload(packet) ?? [])]).toEqual([1, 2, 3]);
});

test('the payload starts after CSRCs and the header extension and ends before padding', () => {
  const packet = Buffer.from([
    0xb1,
    0x60,
    0,
    1,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    3, // V=2 P=1 X=1 CC=1
    0,
    0,
    0,
    9, // CSRC
    0xbe,
    0xde,
    0,
    1,
    0x10,
    0xaa,
    0,
    0, // one-byte extension, 1 word
    7,
    8, // payload
    0,
    2, // padding, its count last
  ]);
  expect(payloadBounds(packet)).toEqual({ start: 24, end: 26 });
  expect([...(rtpPayload(packet) ?? [])]).toEqual([7, 8]);
});

test('malformed packets have no header', () => {
  expect(readRtpHeader(Buffer.alloc(11))).toBeNull();
  expect(readRtpHeader(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull(); // version 1
  const extension = Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 9]);
  expect(readRtpHeader(extension)).toBeNull(); // extension longer than the packet
  const padding = Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200]);
  expect(readRtpHeader(padding)).toBeNull(); // more padding than payload
});

test('sequence distances wrap at 16 bits', () => {
  expect(seqDiff(2, 65534)).toBe(4);
  expect(seqDiff(65534, 2)).toBe(-4);
  expect(seqDiff(100, 100)).toBe(0);
});

const rr = [0x81, 201, 0, 7, ...new Array<number>(28).fill(0)]; // receiver report, one block
const pli = (ssrc: number) => [0x81, 206, 0, 2, 0, 0, 0, 1, ...u32(ssrc)];
const fir = (ssrc: number) => [0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, ...u32(ssrc), 3, 0, 0, 0];
function u32(n: number): number[] {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

test('a PLI or FIR for the stream in a compound packet is a keyframe request', () => {
  expect(requestsKeyFrame(Buffer.from([...rr, ...pli(1234)]), 1234)).toBe(true);
  expect(requestsKeyFrame(Buffer.from([...rr, ...fir(1234)]), 1234)).toBe(true);
  expect(requestsKeyFrame(Buffer.from([...rr, ...pli(99)]), 1234)).toBe(false);
  expect(requestsKeyFrame(Buffer.from(rr), 1234)).toBe(false);
});

test('truncated or garbled RTCP is never a request', () => {
  const full = [...rr, ...pli(1234)];
  for (let n = 0; n < full.length; n++)
    expect(requestsKeyFrame(Buffer.from(full.slice(0, n)), 1234)).toBe(false);
  expect(requestsKeyFrame(Buffer.from([0x01, 206, 0, 2, 0, 0, 0, 1, ...u32(1234)]), 1234)).toBe(
    false,
  );
});
