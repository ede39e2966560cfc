/**
 * Opus through libopus (the @discordjs/opus binding, built by
 * scripts/build-opus): mono 48 kHz, 20 ms frames. The binding is loaded on
 * first use, so a machine without it still runs everything but the mix.
 */
import { UnsupportedError, errorMessage } from '../../../common/errors';
import { SAMPLE_RATE } from './pcm';

export interface OpusDecoder {
  /** PCM of one packet (its own duration). Throws on a corrupt packet. */
  decode(payload: Uint8Array): Int16Array;
  /** libopus's concealment for one lost frame of `samples` samples. */
  conceal(samples: number): Int16Array;
}

export interface OpusEncoder {
  /** One Opus packet from one frame of PCM. */
  encode(pcm: Int16Array): Buffer;
}

export interface OpusCodecs {
  decoder(): OpusDecoder;
  encoder(bitrate: number): OpusEncoder;
}

type Binding = typeof import('@discordjs/opus');
let binding: Promise<Binding> | null = null;

/** The binding's exports, whether import() gives them as CommonJS or as an ES namespace. */
async function importBinding(): Promise<Binding> {
  const loaded = (await import('@discordjs/opus')) as Partial<Binding> & { default?: Binding };
  return loaded.OpusEncoder ? (loaded as Binding) : (loaded.default ?? (loaded as Binding));
}

/** libopus, or an UnsupportedError that says how to build it. */
export async function loadOpus(): Promise<OpusCodecs> {
  binding ??= importBinding();
  let opus: Binding;
  try {
    opus = await binding;
  } catch (error) {
    binding = null;
    throw new UnsupportedError(
      `the Opus binding does not load (run scripts/setup): ${errorMessage(error)}`,
    );
  }
  return {
    decoder: () => {
      const codec = new opus.OpusEncoder(SAMPLE_RATE, 1);
      return {
        decode: (payload) => samplesOf(codec.decode(asBuffer(payload))),
        // An empty packet is a loss to libopus, which conceals up to its
        // largest frame; keep the first `samples`.
        conceal: (samples) => samplesOf(codec.decode(Buffer.alloc(0))).subarray(0, samples),
      };
    },
    encoder: (bitrate) => {
      const codec = new opus.OpusEncoder(SAMPLE_RATE, 1);
      codec.setBitrate(bitrate);
      return { encode: (pcm) => codec.encode(asBuffer(pcm)) };
    },
  };
}

function samplesOf(pcm: Buffer): Int16Array {
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
  return new Int16Array(new Uint8Array(pcm).buffer);
}

/** The same bytes as a Buffer, without a copy. */
function asBuffer(data: Uint8Array | Int16Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
