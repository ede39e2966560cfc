/**
 * The audio mixer's core, without sockets or timers: inputs (one per
 * sending producer) are decoded once per 20 ms frame and summed for the
 * whole room; each output is that sum minus the inputs of the participant it
 * excludes (mix-minus: nobody hears their own voice), saturated to 16 bits
 * and encoded to Opus. Outputs are keyed by the excluded participant, so
 * several consumers of the same mix cost one encode.
 */
import type { JitterBufferOptions } from './JitterBuffer';
import { MixInput } from './MixInput';
import type { OpusCodecs, OpusEncoder } from './opus';
import { addInto, FRAME_SAMPLES, saturate } from './pcm';

export interface MixEngineOptions {
  jitter: JitterBufferOptions;
  /** Opus bit rate of each output. */
  bitrate: number;
}

export const DEFAULT_MIX_OPTIONS: MixEngineOptions = {
  jitter: { depth: 2, max: 12 },
  bitrate: 32000,
};

/** The key of the output for everyone (no exclusion). */
export const ROOM_MIX = '';

export class MixEngine {
  readonly #inputs = new Map<string, MixInput>();
  readonly #outputs = new Map<string, OpusEncoder>();
  readonly #sum = new Int32Array(FRAME_SAMPLES);
  readonly #minus = new Int32Array(FRAME_SAMPLES);
  readonly #frame = new Int16Array(FRAME_SAMPLES);

  constructor(
    private readonly codecs: OpusCodecs,
    private readonly options: MixEngineOptions = DEFAULT_MIX_OPTIONS,
  ) {}

  get inputs(): number {
    return this.#inputs.size;
  }

  addInput(id: string, participantId: string): void {
    if (this.#inputs.has(id)) return;
    this.#inputs.set(
      id,
      new MixInput(id, participantId, this.codecs.decoder(), this.options.jitter),
    );
  }

  removeInput(id: string): void {
    this.#inputs.delete(id);
  }

  /** An RTP packet of input `id` (ignored when the input is unknown). */
  push(id: string, packet: Uint8Array): void {
    this.#inputs.get(id)?.push(packet);
  }

  /** Adds the output that leaves out `exclude`'s voice (ROOM_MIX: nobody's). */
  addOutput(exclude: string): void {
    if (!this.#outputs.has(exclude))
      this.#outputs.set(exclude, this.codecs.encoder(this.options.bitrate));
  }

  removeOutput(exclude: string): void {
    this.#outputs.delete(exclude);
  }

  /** Mixes and encodes the next 20 ms: one Opus packet per output. */
  tick(): Map<string, Buffer> {
    this.#sum.fill(0);
    const frames: { participantId: string; pcm: Int16Array }[] = [];
    for (const input of this.#inputs.values()) {
      const pcm = input.next();
      if (!pcm) continue;
      frames.push({ participantId: input.participantId, pcm });
      addInto(this.#sum, pcm);
    }
    const packets = new Map<string, Buffer>();
    for (const [exclude, encoder] of this.#outputs) {
      let minus: Int32Array | undefined;
      if (exclude !== ROOM_MIX) {
        this.#minus.fill(0);
        for (const frame of frames)
          if (frame.participantId === exclude) addInto((minus = this.#minus), frame.pcm);
      }
      saturate(this.#frame, this.#sum, minus);
      packets.set(exclude, encoder.encode(this.#frame));
    }
    return packets;
  }
}
