/**
 * One sender's audio in the mixer: RTP packets go into a jitter buffer and
 * come out decoded, 20 ms at a time, with libopus concealing a lost packet.
 * A corrupt packet counts as lost; it never stops the mix.
 */
import { readRtpHeader, rtpPayload } from '../rtp/rtpPacket';
import { JitterBuffer, type JitterBufferOptions } from './JitterBuffer';
import type { OpusDecoder } from './opus';
import { FRAME_SAMPLES, PcmQueue } from './pcm';

/** After this many lost frames in a row the input is silent rather than concealed. */
const MAX_CONCEALED = 5;

export class MixInput {
  readonly #jitter: JitterBuffer<Uint8Array>;
  readonly #pcm = new PcmQueue();
  #lastFrameSamples = FRAME_SAMPLES;
  #concealed = 0;
  #errors = 0;

  constructor(
    readonly id: string,
    /** Whose voice this is: a mix-minus leaves it out of that participant's mix. */
    readonly participantId: string,
    private readonly decoder: OpusDecoder,
    jitter: JitterBufferOptions,
  ) {
    this.#jitter = new JitterBuffer(jitter);
  }

  /** Decoded samples waiting to be played: packets are decoded only when a frame needs them. */
  get backlog(): number {
    return this.#pcm.length;
  }

  get stats() {
    return { ...this.#jitter.stats, corrupt: this.#errors };
  }

  /** An RTP packet of this sender; malformed ones are ignored. */
  push(packet: Uint8Array): void {
    const header = readRtpHeader(packet);
    const payload = rtpPayload(packet);
    if (!header || !payload || payload.length === 0) return;
    this.#jitter.push(header.sequenceNumber, payload);
  }

  /** The next 20 ms of this sender, or null when it has nothing to play. */
  next(): Int16Array | null {
    while (this.#pcm.length < FRAME_SAMPLES) {
      const popped = this.#jitter.pop();
      if (popped.kind === 'empty') break;
      if (popped.kind === 'packet') this.#decode(popped.item);
      else this.#conceal();
    }
    if (this.#pcm.length === 0) return null;
    return this.#pcm.take(FRAME_SAMPLES);
  }

  #decode(payload: Uint8Array): void {
    try {
      const pcm = this.decoder.decode(payload);
      this.#lastFrameSamples = pcm.length || FRAME_SAMPLES;
      this.#concealed = 0;
      this.#pcm.push(pcm);
    } catch {
      this.#errors++;
      this.#conceal();
    }
  }

  #conceal(): void {
    if (++this.#concealed > MAX_CONCEALED) {
      this.#pcm.push(new Int16Array(this.#lastFrameSamples));
      return;
    }
    try {
      this.#pcm.push(this.decoder.conceal(this.#lastFrameSamples));
    } catch {
      this.#pcm.push(new Int16Array(this.#lastFrameSamples));
    }
  }
}
