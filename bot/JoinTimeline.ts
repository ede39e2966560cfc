/**
 * When each step of a participant's join happened, in ms since the join
 * began, for the benchmarks and the load test. Every step is marked by the
 * event that completes it, not by a poll of getStats, except "first RTP",
 * which libwebrtc reports only in its stats: it is polled every 5 ms, and
 * only between DTLS connected and that first packet.
 */
import { nonstandard } from '@roamhq/wrtc';
import type { JinglePeer } from '../client/JinglePeer';
import { TimeoutError } from '../common/errors';

export const JOIN_STEPS = [
  'login',
  'room join',
  'conference result',
  'session-initiate',
  'accept',
  'DTLS connected',
  'first RTP',
  'first frame',
] as const;
export type JoinStep = (typeof JOIN_STEPS)[number];

const RTP_POLL_MS = 5;

export class JoinTimeline {
  readonly #start = performance.now();
  readonly #at = new Map<JoinStep, number>();
  readonly #waiting = new Map<JoinStep, ((ms: number) => void)[]>();

  /** Records the step the first time it happens. */
  mark(step: JoinStep): void {
    if (this.#at.has(step)) return;
    const ms = performance.now() - this.#start;
    this.#at.set(step, ms);
    for (const resolve of this.#waiting.get(step) ?? []) resolve(ms);
    this.#waiting.delete(step);
  }

  /** The step's time in ms since the join began, if it happened. */
  at(step: JoinStep): number | undefined {
    return this.#at.get(step);
  }

  /** Resolves with the step's time once it has happened. */
  when(step: JoinStep, timeoutMs: number): Promise<number> {
    const at = this.#at.get(step);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TimeoutError(`timed out waiting for ${step}`)),
        timeoutMs,
      );
      const waiting = this.#waiting.get(step) ?? [];
      waiting.push((ms) => {
        clearTimeout(timer);
        resolve(ms);
      });
      this.#waiting.set(step, waiting);
    });
  }

  /** Marks the media steps of a peer: accept, DTLS connected, first RTP and first decoded video frame. */
  watch(peer: JinglePeer): void {
    peer.on('accepted', () => this.mark('accept'));
    peer.on('connection', (state) => {
      if (state !== 'connected') return;
      this.mark('DTLS connected');
      void this.#pollFirstRtp(peer);
    });
    peer.on('trackadded', (_name, track) => {
      if (track.kind !== 'video' || this.#at.has('first frame')) return;
      const sink = new nonstandard.RTCVideoSink(track);
      sink.addEventListener('frame', () => {
        this.mark('first frame');
        if (!sink.stopped) sink.stop();
      });
      peer.once('ended', () => {
        if (!sink.stopped) sink.stop();
      });
    });
  }

  async #pollFirstRtp(peer: JinglePeer): Promise<void> {
    while (!this.#at.has('first RTP') && peer.pc.connectionState === 'connected') {
      const report = await peer.pc.getStats().catch(() => null);
      report?.forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.packetsReceived ?? 0) > 0)
          this.mark('first RTP');
      });
      await new Promise((r) => setTimeout(r, RTP_POLL_MS));
    }
  }
}
