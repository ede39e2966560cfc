/**
 * Stateless STUN nonces for the long-term credential mechanism: the expiry
 * time signed with a per-process key. Nothing is stored per nonce, so a flood
 * of unauthenticated requests costs no memory and leaves no timers behind
 * (node-turn's own nonces keep a map entry and a one-hour timer each).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class Nonces {
  private readonly key = randomBytes(32);

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): string {
    const expiry = Math.floor((this.now() + this.lifetimeMs) / 1000).toString(16);
    return expiry + '.' + this.sign(expiry);
  }

  check(nonce: string): boolean {
    const match = /^([0-9a-f]{1,12})\.([0-9a-f]{24})$/.exec(nonce);
    if (!match?.[1] || !match[2]) return false;
    const expected = Buffer.from(this.sign(match[1]), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(match[2], 'hex'))) return false;
    return parseInt(match[1], 16) * 1000 > this.now();
  }

  private sign(expiry: string): string {
    return createHmac('sha256', this.key).update(expiry).digest('hex').slice(0, 24);
  }
}
