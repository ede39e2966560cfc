/**
 * Mixing math on 16-bit mono PCM frames: sums are kept in 32 bits, so a frame
 * is added once for the whole room and taken out again for each mix-minus,
 * and only the final output saturates to 16 bits. Pure.
 */

export const SAMPLE_RATE = 48000;
/** 20 ms at 48 kHz, mono: the mixer's frame. */
export const FRAME_SAMPLES = 960;
export const FRAME_MS = 20;

/** sum += pcm, sample by sample. */
export function addInto(sum: Int32Array, pcm: Int16Array): void {
  const n = Math.min(sum.length, pcm.length);
  for (let i = 0; i < n; i++) sum[i] = (sum[i] ?? 0) + (pcm[i] ?? 0);
}

/** out = saturate(sum − minus), with `minus` optional (the whole room). */
export function saturate(out: Int16Array, sum: Int32Array, minus?: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const v = (sum[i] ?? 0) - (minus?.[i] ?? 0);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}

/** Takes `samples` samples from the front of a queue of frames of any length. */
export class PcmQueue {
  #chunks: Int16Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.#chunks.push(pcm);
    this.#length += pcm.length;
  }

  /** The next `samples` samples, zero-padded when fewer are queued. */
  take(samples: number): Int16Array {
    const out = new Int16Array(samples);
    let filled = 0;
    while (filled < samples && this.#chunks.length > 0) {
      const chunk = this.#chunks[0] ?? new Int16Array(0);
      const n = Math.min(samples - filled, chunk.length);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(n);
    }
    this.#length -= filled;
    return out;
  }

  clear(): void {
    this.#chunks = [];
    this.#length = 0;
  }
}
