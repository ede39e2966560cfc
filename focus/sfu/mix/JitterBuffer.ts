/**
 * A small jitter buffer for one RTP stream, in packets: it puts packets back
 * in sequence order, holds `depth` of them (or waits `depth` pops) before
 * playing, reports a missing packet as lost once later ones are there (so
 * the decoder can conceal it), and bounds the delay: past `max` held
 * packets, or after a jump in sequence numbers, it skips ahead. Pure.
 */
import { seqDiff } from '../rtp/rtpPacket';

export interface JitterBufferOptions {
  /** Packets to hold before playout starts (the added delay). */
  depth: number;
  /** Most packets held; beyond, the oldest are skipped down to `depth`. */
  max: number;
}

export type JitterPop<T> = { kind: 'packet'; item: T } | { kind: 'lost' } | { kind: 'empty' };

export class JitterBuffer<T> {
  readonly #options: JitterBufferOptions;
  /** Held packets by extended (never wrapping) sequence number. */
  readonly #items = new Map<number, T>();
  #highest: number | null = null;
  /** The next sequence number to play; older packets arrive too late. */
  #next: number | null = null;
  #playing = false;
  #waited = 0;
  #lateInARow = 0;
  #stats = { packets: 0, lost: 0, late: 0, skipped: 0 };

  constructor(options: JitterBufferOptions) {
    if (options.depth < 1 || options.max < options.depth)
      throw new TypeError('JitterBuffer: need 1 <= depth <= max');
    this.#options = options;
  }

  get size(): number {
    return this.#items.size;
  }

  get stats(): Readonly<{ packets: number; lost: number; late: number; skipped: number }> {
    return this.#stats;
  }

  /** Adds a packet; false when it is a duplicate or came too late to play. */
  push(seq: number, item: T): boolean {
    const extended = this.#highest === null ? seq : this.#highest + seqDiff(seq, this.#highest);
    if ((this.#next !== null && extended < this.#next) || this.#items.has(extended)) {
      this.#stats.late++;
      // A stream that restarted far behind: start over instead of refusing it forever.
      if (++this.#lateInARow > this.#options.max * 4) this.#reset();
      return false;
    }
    this.#lateInARow = 0;
    if (this.#highest === null || extended > this.#highest) this.#highest = extended;
    this.#items.set(extended, item);
    if (this.#items.size > this.#options.max) this.#skipTo(this.#oldest(this.#options.depth));
    return true;
  }

  /** What to play for the next frame. */
  pop(): JitterPop<T> {
    if (!this.#playing) {
      if (this.#items.size === 0) return { kind: 'empty' };
      this.#waited++;
      if (this.#items.size < this.#options.depth && this.#waited < this.#options.depth)
        return { kind: 'empty' };
      this.#playing = true;
      this.#next = this.#oldest(this.#items.size);
    }
    const next = this.#next ?? 0;
    const item = this.#items.get(next);
    if (item !== undefined) {
      this.#items.delete(next);
      this.#next = next + 1;
      this.#stats.packets++;
      return { kind: 'packet', item };
    }
    if (this.#items.size === 0) {
      // Underrun: the sender paused (DTX, mute) or is late; buffer again.
      this.#playing = false;
      this.#waited = 0;
      return { kind: 'empty' };
    }
    const oldest = this.#oldest(this.#items.size);
    if (oldest - next > this.#options.max) {
      // A jump in sequence numbers, not a loss: go on from the held packets.
      this.#skipTo(oldest);
      return this.pop();
    }
    this.#next = next + 1;
    this.#stats.lost++;
    return { kind: 'lost' };
  }

  /** The extended sequence number that leaves `keep` packets at or after it. */
  #oldest(keep: number): number {
    const keys = [...this.#items.keys()].sort((a, b) => a - b);
    return keys[Math.max(0, keys.length - keep)] ?? 0;
  }

  #skipTo(first: number): void {
    for (const key of [...this.#items.keys()]) {
      if (key < first) {
        this.#items.delete(key);
        this.#stats.skipped++;
      }
    }
    if (this.#next === null || this.#next < first) this.#next = first;
  }

  #reset(): void {
    this.#items.clear();
    this.#highest = null;
    this.#next = null;
    this.#playing = false;
    this.#waited = 0;
    this.#lateInARow = 0;
  }
}
