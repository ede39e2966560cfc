/**
 * One outgoing video stream fed by a succession of sources. Each packet of
 * the current source is rewritten in place so that the receiver sees a
 * single continuous stream: one SSRC, sequence numbers that go on by one
 * across a switch, timestamps that advance by the wall-clock time between
 * the last packet of the old source and the first of the new one, and, for
 * VP8, PictureID and TL0PICIDX that go on by one as well (libwebrtc derives
 * its frame ids from them and drops frames whose ids go backwards).
 *
 * A switch must start on a keyframe: the caller feeds the new source from
 * its first keyframe packet (isKeyFrameStart). Pure: the clock is a parameter.
 */
import { isH264KeyFrameStart } from './h264';
import { parseVp8Descriptor, writePictureId, writeTl0PicIdx, type Vp8Descriptor } from './vp8';
import { random32, readRtpHeader, rewriteRtpHeader, rtpPayload, seqDiff } from '../rtp/rtpPacket';
import type { SwitchCodecName } from '../Sfu';

export interface SwitchedStreamOptions {
  ssrc: number;
  codec: SwitchCodecName;
  clockRate: number;
  /** First sequence number and timestamp (random by default, RFC 3550 §5.1). */
  initialSeq?: number;
  initialTimestamp?: number;
}

/** Whether an RTP packet of this codec starts a keyframe (a switch point). */
export function isKeyFrameStart(codec: SwitchCodecName, packet: Uint8Array): boolean {
  const payload = rtpPayload(packet);
  if (!payload) return false;
  if (codec === 'H264') return isH264KeyFrameStart(payload);
  return parseVp8Descriptor(payload)?.keyFrame ?? false;
}

/** A counter of `bits` width, continued across sources by an offset. */
class ContinuedCounter {
  #last: number;
  #offset = 0;
  #mask: number;
  constructor(bits: number, initial: number) {
    this.#mask = 2 ** bits - 1;
    this.#last = (initial - 1) & this.#mask;
  }
  /** The next input value `value` continues from the last output value. */
  continueFrom(value: number, mask = this.#mask, step = 1): void {
    this.#mask = mask;
    this.#offset = (this.#last + step - value) & mask;
  }
  map(value: number): number {
    const out = (value + this.#offset) & this.#mask;
    const half = (this.#mask + 1) / 2;
    const ahead = (out - this.#last) & this.#mask;
    if (ahead !== 0 && ahead < half) this.#last = out;
    return out;
  }
  get last(): number {
    return this.#last;
  }
}

export class SwitchedStream {
  readonly ssrc: number;
  readonly #codec: SwitchCodecName;
  readonly #clockRate: number;
  readonly #seq: ContinuedCounter;
  #tsOffset = 0;
  #lastTimestamp: number;
  #lastAt: number | null = null;
  readonly #pictureId = new ContinuedCounter(15, random32());
  readonly #tl0 = new ContinuedCounter(8, random32());
  /** The first input sequence number of the current source. */
  #firstSeq = 0;
  #resync = true;
  #packets = 0;

  constructor(options: SwitchedStreamOptions) {
    this.ssrc = options.ssrc >>> 0;
    this.#codec = options.codec;
    this.#clockRate = options.clockRate;
    this.#seq = new ContinuedCounter(16, options.initialSeq ?? random32());
    this.#lastTimestamp = ((options.initialTimestamp ?? random32()) - 1) >>> 0;
  }

  /** Packets sent so far. */
  get packets(): number {
    return this.#packets;
  }

  /** The next packet comes from a new source: the output goes on from it. */
  resync(): void {
    this.#resync = true;
  }

  /**
   * Rewrites a packet of the current source in place. False: drop it (it is
   * malformed, or older than the packet the current source started with).
   */
  rewrite(packet: Uint8Array, nowMs: number): boolean {
    const header = readRtpHeader(packet);
    const payload = rtpPayload(packet);
    if (!header || !payload) return false;
    const vp8 = this.#codec === 'VP8' ? parseVp8Descriptor(payload) : null;
    if (this.#codec === 'VP8' && !vp8) return false;
    if (this.#resync) {
      this.#startSource(header.sequenceNumber, header.timestamp, vp8, nowMs);
    } else if (seqDiff(header.sequenceNumber, this.#firstSeq) < 0) {
      return false;
    }
    const timestamp = (header.timestamp + this.#tsOffset) >>> 0;
    // The wall-clock time of the newest frame, to continue from at the next switch.
    if (((timestamp - this.#lastTimestamp) | 0) > 0) {
      this.#lastTimestamp = timestamp;
      this.#lastAt = nowMs;
    }
    rewriteRtpHeader(packet, {
      sequenceNumber: this.#seq.map(header.sequenceNumber),
      timestamp,
      ssrc: this.ssrc,
    });
    if (vp8?.pictureId) writePictureId(payload, vp8, this.#pictureId.map(vp8.pictureId.value));
    if (vp8?.tl0PicIdx) writeTl0PicIdx(payload, vp8, this.#tl0.map(vp8.tl0PicIdx.value));
    this.#packets++;
    return true;
  }

  #startSource(seq: number, timestamp: number, vp8: Vp8Descriptor | null, nowMs: number): void {
    this.#resync = false;
    this.#firstSeq = seq;
    this.#seq.continueFrom(seq);
    // The new source's first frame comes as long after the old one's last as it really did.
    const elapsed =
      this.#lastAt === null
        ? 1
        : Math.max(1, Math.round(((nowMs - this.#lastAt) * this.#clockRate) / 1000));
    this.#tsOffset = (this.#lastTimestamp + elapsed - timestamp) >>> 0;
    if (vp8?.pictureId) {
      const mask = vp8.pictureId.bits === 15 ? 0x7fff : 0x7f;
      this.#pictureId.continueFrom(vp8.pictureId.value, mask);
    }
    if (vp8?.tl0PicIdx) this.#tl0.continueFrom(vp8.tl0PicIdx.value);
  }
}
