/**
 * One participant's mediasoup WebRtcTransport (BUNDLE: it both sends and
 * receives), with the producers and consumers on it.
 */
import type { types as ms } from 'mediasoup';
import { InvalidStateError } from '../../common/errors';
import { TypedEmitter } from '../../common/TypedEmitter';
import type {
  ProducerAppData,
  RtpCounts,
  SfuConsumer,
  SfuConsumerEvents,
  SfuCounts,
  SfuEndpoint,
  SfuEndpointEvents,
  SfuProducer,
} from './Sfu';
import type { WorkerSlot } from './WorkerPool';

/** What an endpoint needs from its room. */
export interface EndpointHost {
  producerAdded(producer: ms.Producer, router: ms.Router): Promise<void>;
  ensureOn(producerId: string, router: ms.Router): Promise<boolean>;
}

export class MediasoupEndpoint extends TypedEmitter<SfuEndpointEvents> implements SfuEndpoint {
  private readonly producers = new Set<ms.Producer>();
  private readonly consumers = new Set<ms.Consumer>();

  constructor(
    private readonly transport: ms.WebRtcTransport,
    private readonly slot: WorkerSlot,
    private readonly router: ms.Router,
    private readonly host: EndpointHost,
  ) {
    super();
    transport.on('dtlsstatechange', (state) => {
      if (state === 'connected' && this.connected) this.emit('connected');
      else if (state === 'failed') this.emit('failed', 'dtls');
    });
    // An ICE-lite server notices a lost participant when its TCP connection
    // closes or its checks stop; it is back with the next checks (after a restart).
    transport.on('icestatechange', (state) => {
      if (state === 'disconnected') this.emit('failed', 'ice');
      else if (this.connected) this.emit('connected');
    });
    transport.observer.once('close', () => this.removeAllListeners());
  }

  get id(): string {
    return this.transport.id;
  }
  get closed(): boolean {
    return this.transport.closed;
  }
  get connected(): boolean {
    const ice = this.transport.iceState;
    return this.transport.dtlsState === 'connected' && (ice === 'connected' || ice === 'completed');
  }
  get iceParameters(): ms.IceParameters {
    return this.transport.iceParameters;
  }
  get iceCandidates(): ms.IceCandidate[] {
    return this.transport.iceCandidates;
  }
  get dtlsParameters(): ms.DtlsParameters {
    return this.transport.dtlsParameters;
  }

  async connect(remote: ms.DtlsParameters): Promise<void> {
    this.assertOpen();
    await this.transport.connect({ dtlsParameters: remote });
  }

  async restartIce(): Promise<ms.IceParameters> {
    this.assertOpen();
    return this.transport.restartIce();
  }

  async produce(options: {
    kind: ms.MediaKind;
    rtpParameters: ms.RtpParameters;
    appData: ProducerAppData;
  }): Promise<SfuProducer> {
    this.assertOpen();
    const producer = await this.transport.produce({ ...options, appData: { ...options.appData } });
    this.producers.add(producer);
    producer.observer.once('close', () => this.producers.delete(producer));
    await this.host.producerAdded(producer, this.router);
    return {
      id: producer.id,
      kind: producer.kind,
      appData: options.appData,
      layers: options.rtpParameters.encodings?.length ?? 1,
      get closed() {
        return producer.closed;
      },
      stats: async () => sumRtp(await producer.getStats(), 'inbound-rtp'),
      close: () => producer.close(),
    };
  }

  async consume(
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    mid: string,
    paused = true,
  ): Promise<SfuConsumer | null> {
    this.assertOpen();
    if (!(await this.host.ensureOn(producerId, this.router))) return null;
    if (!this.router.canConsume({ producerId, rtpCapabilities })) return null;
    const consumer = await this.transport.consume({
      producerId,
      rtpCapabilities,
      paused,
      mid,
    });
    this.consumers.add(consumer);
    this.slot.consumers++;
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer);
      this.slot.consumers = Math.max(0, this.slot.consumers - 1);
    });
    return new ConsumerHandle(consumer);
  }

  addCounts(counts: SfuCounts): void {
    if (this.transport.closed) return;
    counts.transports++;
    counts.producers += this.producers.size;
    counts.consumers += this.consumers.size;
  }

  close(): void {
    this.transport.close();
  }

  private assertOpen(): void {
    if (this.transport.closed) throw new InvalidStateError('endpoint closed');
  }
}

class ConsumerHandle extends TypedEmitter<SfuConsumerEvents> implements SfuConsumer {
  constructor(private readonly consumer: ms.Consumer) {
    super();
    consumer.on('producerclose', () => this.emit('producerclose'));
    consumer.observer.once('close', () => queueMicrotask(() => this.removeAllListeners()));
  }
  get id(): string {
    return this.consumer.id;
  }
  get producerId(): string {
    return this.consumer.producerId;
  }
  get kind(): ms.MediaKind {
    return this.consumer.kind;
  }
  get rtpParameters(): ms.RtpParameters {
    return this.consumer.rtpParameters;
  }
  get paused(): boolean {
    return this.consumer.paused;
  }
  get closed(): boolean {
    return this.consumer.closed;
  }
  async resume(): Promise<void> {
    if (this.consumer.closed || !this.consumer.paused) return;
    // mediasoup asks the sender for a key frame itself when a video consumer resumes.
    await this.consumer.resume();
  }
  async pause(): Promise<void> {
    if (!this.consumer.closed && !this.consumer.paused) await this.consumer.pause();
  }
  async setPreferredLayers(spatialLayer: number, temporalLayer?: number): Promise<void> {
    if (this.consumer.closed || this.consumer.type !== 'simulcast') return;
    await this.consumer.setPreferredLayers({ spatialLayer, temporalLayer });
  }
  async requestKeyFrame(): Promise<void> {
    if (!this.consumer.closed && this.consumer.kind === 'video')
      await this.consumer.requestKeyFrame();
  }
  async stats(): Promise<RtpCounts> {
    return sumRtp(await this.consumer.getStats(), 'outbound-rtp');
  }
  close(): void {
    this.consumer.close();
  }
}

function sumRtp(
  stats: readonly { type: string; packetCount?: number; byteCount?: number }[],
  type: string,
): RtpCounts {
  let packets = 0;
  let bytes = 0;
  for (const s of stats) {
    if (s.type !== type) continue;
    packets += s.packetCount ?? 0;
    bytes += s.byteCount ?? 0;
  }
  return { packets, bytes };
}
