/**
 * Tones for audio tests: a sine generator and the Goertzel algorithm, which
 * measures the energy of decoded audio at one frequency (one bin of a DFT).
 */

/** `samples` samples of a sine at `frequency` Hz, starting at sample `t0`. */
export function sine(
  frequency: number,
  samples: number,
  options: { sampleRate?: number; amplitude?: number; t0?: number } = {},
): Int16Array {
  const rate = options.sampleRate ?? 48000;
  const amplitude = options.amplitude ?? 8000;
  const t0 = options.t0 ?? 0;
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * (t0 + i)) / rate));
  return out;
}

/** The normalised power of `samples` at `frequency` (Goertzel); a full-scale sine gives about 0.25. */
export function toneEnergy(
  samples: ArrayLike<number>,
  frequency: number,
  sampleRate = 48000,
): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = (samples[i] ?? 0) / 32768 + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return power / (n * n);
}
