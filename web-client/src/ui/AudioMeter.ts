/**
 * A five-bar input level meter for the microphone preview, so people see
 * that their microphone works before they join.
 */
import { h } from './dom';

const BARS = 5;

export class AudioMeter {
  readonly el: HTMLElement;
  private readonly bars: HTMLElement[] = [];
  private context: AudioContext | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private analyser: AnalyserNode | null = null;
  private frame = 0;
  private track: MediaStreamTrack | null = null;

  constructor() {
    for (let i = 0; i < BARS; i++) this.bars.push(h('i'));
    this.el = h('div', { class: 'meter', 'aria-hidden': 'true' }, ...this.bars);
  }

  /** Follows a microphone track (null or disabled: the meter rests). */
  follow(track: MediaStreamTrack | null): void {
    if (track === this.track) return;
    this.track = track;
    this.source?.disconnect();
    this.source = null;
    if (!track) return;
    try {
      this.context ??= new AudioContext();
      this.analyser ??= this.context.createAnalyser();
      this.analyser.fftSize = 512;
      this.source = this.context.createMediaStreamSource(new MediaStream([track]));
      this.source.connect(this.analyser);
      if (this.context.state === 'suspended') {
        const resume = (): void => void this.context?.resume();
        document.addEventListener('pointerdown', resume, { once: true });
        document.addEventListener('keydown', resume, { once: true });
      }
      if (!this.frame) this.frame = requestAnimationFrame(() => this.draw());
    } catch {
      // No Web Audio: no meter.
    }
  }

  private draw(): void {
    this.frame = 0;
    const analyser = this.analyser;
    if (!analyser) return;
    const data = new Uint8Array(analyser.fftSize);
    analyser.getByteTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
    const level = this.track?.enabled ? Math.min(1, peak / 64) : 0;
    this.bars.forEach((bar, i) => {
      const lit = level * BARS > i;
      bar.style.height = `${lit ? 6 + i * 3.5 : 4}px`;
      bar.style.opacity = lit ? '1' : '0.35';
    });
    this.frame = requestAnimationFrame(() => this.draw());
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.source?.disconnect();
    void this.context?.close().catch(() => {});
    this.context = null;
    this.analyser = null;
  }
}
