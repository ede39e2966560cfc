/**
 * When each step of a participant's join happened, in ms since the join
 * began, for the benchmarks and the load test. Every step is marked by the
 * event that completes it, not by a poll of getStats, except "first RTP",
 * which libwebrtc reports only in its stats: it is polled every 5 ms, and
 * only between DTLS connected and that first packet.
 */
import { nonstandard } from '@roamhq/wrtc';
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

interface InboundRtp {
  type: string;
  kind?: string;
  packetsReceived?: number;
  /** ms since the epoch (libwebrtc's clock). */
  lastPacketReceivedTimestamp?: number;
}
/** A room where nobody sends video gives no first RTP: stop looking after this. */
const RTP_POLL_LIMIT_MS = 30000;

export class JoinTimeline {
  readonly #start = performance.now();
  readonly #at = new Map<JoinStep, number>();
  readonly #waiting = new Map<JoinStep, ((ms: number) => void)[]>();

  /** Records the step the first time it happens (now, or at `when`, a performance.now() time). */
  mark(step: JoinStep, when = performance.now()): void {
    if (this.#at.has(step)) return;
    const ms = when - this.#start;
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

  /**
   * Marks DTLS connected on a peer connection and, with `media` (the
   * default), its first RTP and first decoded video frame.
   */
  watch(pc: RTCPeerConnection, { media = true } = {}): void {
    const sinks: nonstandard.RTCVideoSink[] = [];
    const stopSinks = (): void => {
      for (const sink of sinks.splice(0)) if (!sink.stopped) sink.stop();
    };
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') {
        this.mark('DTLS connected');
        if (media) void this.#pollFirstRtp(pc);
      } else if (pc.connectionState === 'closed' || pc.connectionState === 'failed') stopSinks();
    });
    if (!media) return;
    pc.addEventListener('track', ({ track }) => {
      if (track.kind !== 'video' || this.#at.has('first frame')) return;
      const sink = new nonstandard.RTCVideoSink(track);
      sinks.push(sink);
      sink.addEventListener('frame', () => {
        this.mark('first frame');
        stopSinks();
      });
    });
  }

  async #pollFirstRtp(pc: RTCPeerConnection): Promise<void> {
    const deadline = performance.now() + RTP_POLL_LIMIT_MS;
    while (
      !this.#at.has('first RTP') &&
      pc.connectionState === 'connected' &&
      performance.now() < deadline
    ) {
      const report = await pc.getStats().catch(() => null);
      report?.forEach((s: InboundRtp) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'video' || !s.packetsReceived) return;
        // getStats itself can take tens of ms on a busy machine: date the
        // packet by libwebrtc's own clock when it says (a key frame's packets
        // arrive within a few ms of each other, so the last is about the first).
        const age = s.lastPacketReceivedTimestamp ? Date.now() - s.lastPacketReceivedTimestamp : 0;
        this.mark('first RTP', performance.now() - Math.min(Math.max(age, 0), RTP_POLL_LIMIT_MS));
      });
      await new Promise((r) => setTimeout(r, RTP_POLL_MS));
    }
  }
}
