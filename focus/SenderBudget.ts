/**
 * A budget per sender: each sender may make `rate` requests per second, with
 * bursts of `burst`. Beyond it a request is refused with `wait` (answered
 * `resource-constraint`); a sender that keeps going after `burst` refusals is
 * flooding (`violation`, answered `policy-violation`) until it stops long
 * enough for its budget to fill up again. Memory stays bounded: the least
 * recently seen senders are forgotten first. Pure; the clock is injected.
 */

export type BudgetVerdict = 'ok' | 'wait' | 'violation';

export interface BudgetLimits {
  /** Requests per second. */
  rate: number;
  /** Requests allowed at once. */
  burst: number;
}

interface Bucket {
  tokens: number;
  last: number;
  refusals: number;
}

export class SenderBudget {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: BudgetLimits,
    private readonly now: () => number = Date.now,
    private readonly maxSenders = 10000,
  ) {
    if (!(limits.rate > 0) || !(limits.burst >= 1)) throw new TypeError('bad budget limits');
  }

  get senders(): number {
    return this.#buckets.size;
  }

  /** Takes one request from `sender`'s budget. */
  take(sender: string): BudgetVerdict {
    const now = this.now();
    let bucket = this.#buckets.get(sender);
    if (bucket) {
      this.#buckets.delete(sender); // re-inserted below: the map stays in least-recent order
      bucket.tokens = Math.min(
        this.limits.burst,
        bucket.tokens + ((now - bucket.last) * this.limits.rate) / 1000,
      );
      bucket.last = now;
      if (bucket.tokens >= this.limits.burst) bucket.refusals = 0;
    } else {
      bucket = { tokens: this.limits.burst, last: now, refusals: 0 };
      if (this.#buckets.size >= this.maxSenders) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    }
    this.#buckets.set(sender, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 'ok';
    }
    bucket.refusals++;
    return bucket.refusals > this.limits.burst ? 'violation' : 'wait';
  }
}
