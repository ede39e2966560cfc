/**
 * A soft two-note ring for incoming calls, synthesised with Web Audio (no
 * audio file to load). Browsers may refuse to play sound before the person
 * has interacted with the page; then the call rings silently, on screen only.
 */

const PATTERN_MS = 3000;
const NOTES = [
  { at: 0, hz: 660 },
  { at: 0.18, hz: 880 },
  { at: 0.6, hz: 660 },
  { at: 0.78, hz: 880 },
];

export class Ringtone {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  start(): void {
    if (this.timer !== undefined) return;
    try {
      this.context = new AudioContext();
    } catch {
      return; // no Web Audio
    }
    this.ring();
    this.timer = setInterval(() => this.ring(), PATTERN_MS);
  }

  private ring(): void {
    const context = this.context;
    if (!context || context.state !== 'running') {
      void context?.resume().catch(() => {});
      return;
    }
    const start = context.currentTime + 0.02;
    for (const note of NOTES) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'sine';
      osc.frequency.value = note.hz;
      const t = start + note.at;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.12, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.001, t + 0.32);
      osc.connect(gain).connect(context.destination);
      osc.start(t);
      osc.stop(t + 0.34);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    void this.context?.close().catch(() => {});
    this.context = null;
  }
}
