/**
 * The focus half of the Jingle flow, reduced to what the library tests need:
 * a real mediasoup router, and per participant a WebRtcTransport plus the
 * Jingle it would send, built only with jingle/. Stanzas go through XML text
 * both ways, as they would over XMPP.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import {
  consumerContent,
  dtlsParametersOf,
  iceUdpTransportOf,
  offerContent,
  parseJingle,
  producerParameters,
  rtpCapabilitiesOf,
  serializeJingle,
  type JingleContent,
  type JinglePayload,
} from '../../jingle';
import { parseXml } from '../../jingle/fixtures/fixtures';
// The router codecs the focus really uses.
import { MEDIA_CODECS } from '../../focus/sfu/codecs';

/** Over the wire and back: serialize, print, parse the text, parse the Jingle. */
export function throughXml(payload: JinglePayload): JinglePayload {
  const parsed = parseJingle(parseXml(serializeJingle(payload).toString()));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

export async function startRouter(): Promise<{ worker: types.Worker; router: types.Router }> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  return { worker, router };
}

export class FocusLeg {
  readonly producers: types.Producer[] = [];
  readonly consumers: types.Consumer[] = [];
  rtpCapabilities: types.RtpCapabilities | undefined;
  private consumerCount = 0;

  private constructor(
    readonly router: types.Router,
    readonly transport: types.WebRtcTransport,
    readonly sid: string,
  ) {}

  static async create(router: types.Router, sid: string): Promise<FocusLeg> {
    const transport = await router.createWebRtcTransport({
      listenIps: [{ ip: '127.0.0.1' }],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
    });
    return new FocusLeg(router, transport, sid);
  }

  transportContent() {
    return iceUdpTransportOf(this.transport);
  }

  /** session-initiate: own audio + video (senders both), plus a content per given consumer. */
  initiate(consumers: JingleContent[] = []): JinglePayload {
    const transport = this.transportContent();
    const contents = [
      offerContent(this.router.rtpCapabilities, { name: 'audio', kind: 'audio', transport }),
      offerContent(this.router.rtpCapabilities, { name: 'video', kind: 'video', transport }),
      ...consumers.map((c) => ({ ...c, transport })),
    ];
    return {
      action: 'session-initiate',
      sid: this.sid,
      initiator: 'focus.example.org',
      contents,
      groups: [{ semantics: 'BUNDLE', contents: contents.map((c) => c.name) }],
    };
  }

  /** The participant's session-accept: connect DTLS, produce what it sends, remember its capabilities. */
  async accepted(payload: JinglePayload): Promise<void> {
    const transportContent = payload.contents.find((c) => c.transport)?.transport;
    const dtls = dtlsParametersOf(transportContent);
    if (!dtls.ok) throw dtls.error;
    await this.transport.connect({ dtlsParameters: dtls.value });
    this.rtpCapabilities = rtpCapabilitiesOf(payload.contents);
    for (const content of payload.contents) {
      if (!content.description) continue;
      const specs = producerParameters(content, {
        routerRtpCapabilities: this.router.rtpCapabilities,
      });
      if (!specs.ok) throw specs.error;
      for (const spec of specs.value) {
        this.producers.push(
          await this.transport.produce({ kind: spec.kind, rtpParameters: spec.rtpParameters }),
        );
      }
    }
  }

  /** A paused consumer of `producer` and the receive-only content that carries it. */
  async consume(
    producer: types.Producer,
    rtpCapabilities: types.RtpCapabilities = this.rtpCapabilities ?? this.router.rtpCapabilities,
  ): Promise<JingleContent> {
    this.consumerCount++;
    const consumer = await this.transport.consume({
      producerId: producer.id,
      rtpCapabilities,
      paused: true,
      mid: `r${this.consumerCount}`,
    });
    this.consumers.push(consumer);
    return consumerContent({
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      streamId: `stream-${producer.id.slice(0, 8)}`,
      trackId: producer.id,
      transport: this.transportContent(),
    });
  }

  async resumeConsumers(): Promise<void> {
    for (const consumer of this.consumers) await consumer.resume();
  }

  close(): void {
    this.transport.close();
  }
}
