/**
 * The mixer's 20 ms clock. Timers in Node fire late, so each wake-up runs
 * every frame that is due since the start (a late frame is caught up, not
 * lost) and aims the next wake-up at the next frame's due time. After a long
 * stall it skips ahead instead of bursting more than a few frames.
 */

const MAX_BURST = 5;

export class MixClock {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #start = 0;
  #frames = 0;

  constructor(
    private readonly frameMs: number,
    private readonly onFrame: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get running(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.#timer) return;
    this.#start = this.now();
    this.#frames = 0;
    this.#schedule();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #wake(): void {
    const due = Math.floor((this.now() - this.#start) / this.frameMs) + 1 - this.#frames;
    if (due > MAX_BURST) this.#frames += due - MAX_BURST;
    for (let i = 0; i < Math.min(due, MAX_BURST) && this.#timer; i++) {
      this.#frames++;
      this.onFrame();
    }
    if (this.#timer) this.#schedule();
  }

  #schedule(): void {
    const next = this.#start + this.#frames * this.frameMs;
    this.#timer = setTimeout(() => this.#wake(), Math.max(0, next - this.now()));
    this.#timer.unref();
  }
}
