/**
 * Synthetic microphone and camera for Node WebRTC peers (@roamhq/wrtc):
 * a tone whose loudness pulses (so audio-level observers see speech) and
 * a moving I420 test pattern.
 */
import { nonstandard } from '@roamhq/wrtc';

export interface SyntheticTrack {
  track: MediaStreamTrack;
  stop(): void;
}

export interface AudioOptions {
  /** Tone frequency in Hz. */
  frequency?: number;
  /** Peak amplitude 0..1; 0 sends silence. */
  level?: number;
  /** A steady tone instead of one whose loudness pulses at 1 Hz. */
  steady?: boolean;
}

export function syntheticAudio(options: AudioOptions = {}): SyntheticTrack {
  const source = new nonstandard.RTCAudioSource();
  const track = source.createTrack();
  const sampleRate = 48000;
  const frames = sampleRate / 100;
  const frequency = options.frequency ?? 440;
  const level = options.level ?? 0.3;
  let t = 0;
  const timer = setInterval(() => {
    const samples = new Int16Array(frames);
    for (let i = 0; i < frames; i++, t++) {
      const envelope = options.steady ? 1 : 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / sampleRate); // 1 Hz pulse
      samples[i] = Math.round(
        32767 * level * envelope * Math.sin((2 * Math.PI * frequency * t) / sampleRate),
      );
    }
    source.onData({
      samples,
      sampleRate,
      bitsPerSample: 16,
      channelCount: 1,
      numberOfFrames: frames,
    });
  }, 10);
  return {
    track,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

export interface VideoOptions {
  width?: number;
  height?: number;
  fps?: number;
  screencast?: boolean;
}

export function syntheticVideo(options: VideoOptions = {}): SyntheticTrack {
  const width = options.width ?? 320;
  const height = options.height ?? 240;
  const fps = options.fps ?? 15;
  const source = new nonstandard.RTCVideoSource({ isScreencast: options.screencast ?? false });
  const track = source.createTrack();
  const lumaSize = width * height;
  const data = new Uint8Array(lumaSize * 1.5);
  data.fill(128, lumaSize); // neutral chroma
  let frame = 0;
  const timer = setInterval(() => {
    // A diagonal gradient that moves every frame: cheap, and never static.
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) data[row + x] = (x + y + frame * 4) & 0xff;
    }
    frame++;
    source.onFrame({ width, height, data });
  }, 1000 / fps);
  return {
    track,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

/**
 * A microphone and a camera that exist but never produce a sample or a
 * frame: the session negotiates both tracks (SSRCs and all), and nothing is
 * encoded, sent, or decoded by the others. For load with many participants.
 */
export function idleMedia(): SyntheticTrack[] {
  return [new nonstandard.RTCAudioSource(), new nonstandard.RTCVideoSource()].map((source) => {
    const track = source.createTrack();
    return { track, stop: () => track.stop() };
  });
}
