/**
 * Byte-rate limiter for one allocation: `rate` bytes per second with a burst
 * of one second's worth. Rate 0 means unlimited. Pure; the clock is injected.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate;
    this.last = now();
  }

  /** Takes `bytes` if available; false means the packet must be dropped. */
  take(bytes: number): boolean {
    if (this.rate === 0) return true;
    const now = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < bytes) return false;
    this.tokens -= bytes;
    return true;
  }
}
