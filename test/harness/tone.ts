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

/**
 * The power of `samples` at `frequency`: the Goertzel algorithm (one DFT bin)
 * over Hann-windowed blocks of `block` samples, averaged. Short blocks make it
 * robust to the phase jumps of a receiver's time stretching. A sine of
 * amplitude a (full scale 1) gives about a²/4.
 */
export function toneEnergy(
  samples: ArrayLike<number>,
  frequency: number,
  sampleRate = 48000,
  block = 960,
): number {
  const blocks = Math.floor(samples.length / block);
  if (blocks === 0) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  const window = Array.from(
    { length: block },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / block),
  );
  const gain = window.reduce((a, b) => a + b, 0);
  let total = 0;
  for (let b = 0; b < blocks; b++) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < block; i++) {
      const x = ((samples[b * block + i] ?? 0) / 32768) * (window[i] ?? 0);
      const s0 = x + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    total += (s1 * s1 + s2 * s2 - coefficient * s1 * s2) / (gain * gain);
  }
  return total / blocks;
}
