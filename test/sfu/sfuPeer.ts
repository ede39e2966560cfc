/**
 * A libwebrtc peer (@roamhq/wrtc) wired to an SfuEndpoint of a real room
 * without XMPP: the focus's Jingle (built with focus/media.ts) goes through
 * XML text to a JingleSession on the peer's side, and the peer's answer
 * becomes the endpoint's connect() and produce() calls, as the conference
 * does. It records what it receives: decoded audio per content and the size
 * of each decoded video frame.
 */
import wrtc from '@roamhq/wrtc';
import { JingleSession, type JingleContent } from '../../jingle';
import {
  focusTransport,
  ownContents,
  peerDtls,
  producerParameters,
  receiveContent,
} from '../../focus/media';
import type { Sfu, SfuConsumer, SfuEndpoint, SfuProducer, SfuRoom } from '../../focus/sfu/Sfu';
import { throughXml } from '../jingle/focusSimulation';
import { WrtcPeer, type WrtcPeerOptions } from '../jingle/stacks/wrtc';

export interface DecodedFrame {
  width: number;
  height: number;
  at: number;
}

export interface SfuPeerOptions extends Pick<WrtcPeerOptions, 'audio' | 'video'> {
  /** Producer ids (participants' or synthetic) to receive, on contents r0, r1, … */
  receive?: string[];
}

interface AudioData {
  samples: Int16Array;
  sampleRate: number;
  channelCount?: number;
}

let sessions = 0;

export class SfuPeer {
  readonly producers: SfuProducer[] = [];
  readonly consumers: SfuConsumer[] = [];
  /** Decoded mono samples per receiving content, and their sample rate. */
  readonly audio = new Map<string, number[]>();
  sampleRate = 48000;
  readonly frames = new Map<string, DecodedFrame[]>();
  private readonly sinks: { stop(): void }[] = [];

  private constructor(
    readonly participantId: string,
    readonly peer: WrtcPeer,
    readonly endpoint: SfuEndpoint,
  ) {
    peer.pc.addEventListener('track', (event) =>
      this.record(event.transceiver.mid ?? '', event.track),
    );
  }

  static async join(
    sfu: Sfu,
    room: SfuRoom,
    participantId: string,
    options: SfuPeerOptions = {},
  ): Promise<SfuPeer> {
    const caps = sfu.rtpCapabilities;
    const endpoint = await room.createEndpoint(participantId);
    const self = new SfuPeer(participantId, new WrtcPeer(options), endpoint);
    try {
      const transport = focusTransport(endpoint);
      const contents: JingleContent[] =
        options.audio || options.video ? ownContents(caps, transport) : [];
      for (const [i, id] of (options.receive ?? []).entries()) {
        const consumer = await endpoint.consume(id, caps, `r${i}`);
        if (!consumer) throw new Error(`cannot consume ${id}`);
        self.consumers.push(consumer);
        contents.push({
          ...receiveContent(consumer, `stream-${i}`, 'room@example.org/x'),
          transport,
        });
      }
      const sid = `sid-${++sessions}`;
      const session = new JingleSession({ sid, localRole: 'responder', remoteIceLite: true });
      const applied = session.apply(
        throughXml({
          action: 'session-initiate',
          sid,
          initiator: 'focus.example.org',
          contents,
          groups: [{ semantics: 'BUNDLE', contents: contents.map((c) => c.name) }],
        }),
      );
      if (!applied.ok) throw applied.error;
      if (applied.value.kind !== 'description') throw new Error('expected an offer');
      const answer = await self.peer.answer(applied.value.sdp);
      const accept = session.accept(await self.peer.setLocal('answer', answer));
      if (!accept.ok) throw accept.error;
      const accepted = throughXml(accept.value).contents;
      const dtls = peerDtls(accepted);
      if (!dtls.ok) throw dtls.error;
      await endpoint.connect(dtls.value);
      for (const content of accepted.filter((c) => c.name === 'audio' || c.name === 'video')) {
        const spec = producerParameters(content, caps);
        if (!spec.ok) throw spec.error;
        if (!spec.value) continue;
        self.producers.push(
          await endpoint.produce({
            ...spec.value,
            appData: { participantId, contentName: content.name },
          }),
        );
      }
      for (const consumer of self.consumers) await consumer.resume();
      return self;
    } catch (error) {
      self.close();
      throw error;
    }
  }

  /** The producer this peer sends of a kind. */
  producer(kind: 'audio' | 'video'): SfuProducer {
    const producer = this.producers.find((p) => p.kind === kind);
    if (!producer) throw new Error(`${this.participantId} sends no ${kind}`);
    return producer;
  }

  /** The last `seconds` of decoded audio on a content. */
  recentAudio(mid: string, seconds: number): number[] {
    const samples = this.audio.get(mid) ?? [];
    return samples.slice(Math.max(0, samples.length - Math.round(seconds * this.sampleRate)));
  }

  close(): void {
    for (const sink of this.sinks.splice(0)) sink.stop();
    this.peer.close();
    this.endpoint.close();
  }

  private record(mid: string, track: MediaStreamTrack): void {
    if (track.kind === 'audio') {
      const samples: number[] = [];
      this.audio.set(mid, samples);
      const sink = new wrtc.nonstandard.RTCAudioSink(track);
      sink.addEventListener('data', (event) => {
        const data = event as unknown as AudioData;
        this.sampleRate = data.sampleRate;
        const channels = data.channelCount ?? 1;
        for (let i = 0; i < data.samples.length; i += channels) samples.push(data.samples[i] ?? 0);
      });
      this.sinks.push(sink);
    } else {
      const frames: DecodedFrame[] = [];
      this.frames.set(mid, frames);
      const sink = new wrtc.nonstandard.RTCVideoSink(track);
      sink.addEventListener('frame', (event) => {
        const { frame } = event as unknown as { frame: { width: number; height: number } };
        frames.push({ width: frame.width, height: frame.height, at: Date.now() });
      });
      this.sinks.push(sink);
    }
  }
}
