/**
 * An in-memory SFU for unit tests of the conference state machine: it keeps
 * endpoints, producers and consumers as plain objects and can be inspected.
 */
import { InvalidStateError } from '../../common/errors';
import { TypedEmitter } from '../../common/TypedEmitter';
import type {
  ms,
  ProducerAppData,
  RoomCloseReason,
  Sfu,
  SfuConsumer,
  SfuConsumerEvents,
  SfuCounts,
  SfuEndpoint,
  SfuEndpointEvents,
  SfuAudioMix,
  SfuProducer,
  SfuRoom,
  SfuRoomEvents,
  SfuVideoSwitch,
  SfuVideoSwitchEvents,
  SwitchCodecName,
} from '../../focus/sfu/Sfu';

let serial = 0;
const nextId = (prefix: string): string => `${prefix}${++serial}`;

export const FAKE_CAPABILITIES: ms.RtpCapabilities = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      preferredPayloadType: 100,
      rtcpFeedback: [{ type: 'transport-cc' }],
    },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      clockRate: 90000,
      preferredPayloadType: 101,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    },
    {
      kind: 'video',
      mimeType: 'video/rtx',
      clockRate: 90000,
      preferredPayloadType: 102,
      parameters: { apt: 101 },
    },
  ],
  headerExtensions: [{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1 }],
};

export class FakeConsumer extends TypedEmitter<SfuConsumerEvents> implements SfuConsumer {
  readonly id = nextId('c');
  paused = true;
  closed = false;
  preferredLayer: number | undefined;
  keyFrames = 0;
  constructor(
    readonly producer: FakeProducer,
    readonly rtpParameters: ms.RtpParameters,
  ) {
    super();
  }
  get producerId(): string {
    return this.producer.id;
  }
  get kind(): ms.MediaKind {
    return this.producer.kind;
  }
  async resume(): Promise<void> {
    this.paused = false;
    this.keyFrames++;
  }
  async pause(): Promise<void> {
    this.paused = true;
  }
  async setPreferredLayers(spatialLayer: number): Promise<void> {
    this.preferredLayer = spatialLayer;
  }
  async requestKeyFrame(): Promise<void> {
    this.keyFrames++;
  }
  async stats() {
    return { packets: 0, bytes: 0 };
  }
  /** The producer went away (what mediasoup reports). */
  producerClosed(): void {
    this.closed = true;
    this.emit('producerclose');
  }
  close(): void {
    this.closed = true;
  }
}

export class FakeProducer implements SfuProducer {
  readonly id = nextId('pr');
  closed = false;
  readonly consumers: FakeConsumer[] = [];
  constructor(
    readonly kind: ms.MediaKind,
    readonly appData: ProducerAppData,
    readonly layers: number,
  ) {}
  async stats() {
    return { packets: 0, bytes: 0 };
  }
  close(): void {
    this.closed = true;
    for (const c of this.consumers) if (!c.closed) c.producerClosed();
  }
}

export class FakeEndpoint extends TypedEmitter<SfuEndpointEvents> implements SfuEndpoint {
  readonly id = nextId('t');
  closed = false;
  connected = false;
  remoteDtls: ms.DtlsParameters | null = null;
  iceParameters: ms.IceParameters = {
    usernameFragment: 'ufrag1',
    password: 'password1password1',
    iceLite: true,
  };
  readonly iceCandidates: ms.IceCandidate[] = [
    {
      foundation: 'udpcandidate',
      priority: 1,
      ip: '127.0.0.1',
      protocol: 'udp',
      port: 10000,
      type: 'host',
      tcpType: undefined,
    },
  ];
  readonly dtlsParameters: ms.DtlsParameters = {
    role: 'auto',
    fingerprints: [
      { algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AA').join(':') },
    ],
  };
  readonly producers: FakeProducer[] = [];
  readonly consumers: FakeConsumer[] = [];
  constructor(
    readonly participantId: string,
    private readonly room: FakeRoom,
  ) {
    super();
  }
  async connect(remote: ms.DtlsParameters): Promise<void> {
    this.remoteDtls = remote;
  }
  /** Test control: ICE and DTLS come up. */
  markConnected(): void {
    this.connected = true;
    this.emit('connected');
  }
  /** Test control: ICE loses the participant, or DTLS fails. */
  fail(failure: 'ice' | 'dtls'): void {
    this.connected = false;
    this.emit('failed', failure);
  }
  async restartIce(): Promise<ms.IceParameters> {
    this.iceParameters = { ...this.iceParameters, usernameFragment: nextId('ufrag') };
    return this.iceParameters;
  }
  async produce(options: {
    kind: ms.MediaKind;
    rtpParameters: ms.RtpParameters;
    appData: ProducerAppData;
  }): Promise<SfuProducer> {
    const producer = new FakeProducer(
      options.kind,
      options.appData,
      options.rtpParameters.encodings?.length ?? 1,
    );
    this.producers.push(producer);
    this.room.producers.set(producer.id, producer);
    return producer;
  }
  async consume(
    producerId: string,
    _caps: ms.RtpCapabilities,
    mid: string,
    paused = true,
  ): Promise<SfuConsumer | null> {
    const producer = this.room.producers.get(producerId);
    if (!producer || producer.closed) return null;
    const video = producer.kind === 'video';
    const ssrc = 1000 + serial++;
    const consumer = new FakeConsumer(producer, {
      mid,
      codecs: video
        ? [
            {
              mimeType: 'video/VP8',
              payloadType: 101,
              clockRate: 90000,
              rtcpFeedback: [{ type: 'nack' }],
            },
            { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
          ]
        : [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
      encodings: [video ? { ssrc, rtx: { ssrc: ssrc + 1 } } : { ssrc }],
      headerExtensions: [],
      rtcp: { cname: `cname-${producer.appData.participantId}` },
    });
    consumer.paused = paused;
    producer.consumers.push(consumer);
    this.consumers.push(consumer);
    return consumer;
  }
  close(): void {
    this.closed = true;
    for (const p of this.producers) p.close();
    for (const c of this.consumers) c.close();
  }
}

/** A mix: a producer of the room that endpoints can consume. */
export class FakeAudioMix implements SfuAudioMix {
  readonly kind = 'audio';
  readonly producer = new FakeProducer('audio', { participantId: '', contentName: 'mix' }, 1);
  constructor(readonly exclude: string | null) {}
  get id(): string {
    return this.producer.id;
  }
  get closed(): boolean {
    return this.producer.closed;
  }
  close(): void {
    if (!this.closed) this.producer.close();
  }
}

/** A switch that shows a selected video producer at once (no keyframe to wait for). */
export class FakeVideoSwitch extends TypedEmitter<SfuVideoSwitchEvents> implements SfuVideoSwitch {
  readonly kind = 'video';
  readonly producer = new FakeProducer('video', { participantId: '', contentName: 'switch' }, 1);
  source: string | null = null;
  readonly pending = null;
  /** Every select() call, in order. */
  readonly selections: (string | null)[] = [];
  constructor(
    private readonly room: FakeRoom,
    readonly codec: SwitchCodecName,
    readonly exclude: string | null,
  ) {
    super();
  }
  get id(): string {
    return this.producer.id;
  }
  get closed(): boolean {
    return this.producer.closed;
  }
  async select(producerId: string | null): Promise<boolean> {
    if (this.closed) throw new InvalidStateError('video switch closed');
    this.selections.push(producerId);
    if (producerId !== null) {
      const source = this.room.producers.get(producerId);
      if (!source || source.closed || source.kind !== 'video' || this.room.isSynthetic(source))
        return false;
      if (source.appData.participantId === this.exclude) return false;
    }
    if (this.source !== producerId) {
      this.source = producerId;
      this.emit('switched', producerId);
    }
    return true;
  }
  /** Test control: the shown producer goes away. */
  sourceClosed(): void {
    this.source = null;
    this.emit('switched', null);
  }
  close(): void {
    if (this.closed) return;
    this.producer.close();
    this.removeAllListeners();
  }
}

export class FakeRoom extends TypedEmitter<SfuRoomEvents> implements SfuRoom {
  closed = false;
  readonly endpoints: FakeEndpoint[] = [];
  readonly producers = new Map<string, FakeProducer>();
  readonly mixes: FakeAudioMix[] = [];
  readonly switches: FakeVideoSwitch[] = [];
  constructor(readonly id: string) {
    super();
  }
  async createEndpoint(participantId: string): Promise<SfuEndpoint> {
    const endpoint = new FakeEndpoint(participantId, this);
    this.endpoints.push(endpoint);
    return endpoint;
  }
  async createAudioMix(options: { exclude?: string } = {}): Promise<SfuAudioMix> {
    if (this.closed) throw new InvalidStateError('room closed');
    const mix = new FakeAudioMix(options.exclude ?? null);
    this.mixes.push(mix);
    this.producers.set(mix.id, mix.producer);
    return mix;
  }
  async createVideoSwitch(
    options: { codec?: SwitchCodecName; exclude?: string } = {},
  ): Promise<SfuVideoSwitch> {
    if (this.closed) throw new InvalidStateError('room closed');
    const videoSwitch = new FakeVideoSwitch(this, options.codec ?? 'VP8', options.exclude ?? null);
    this.switches.push(videoSwitch);
    this.producers.set(videoSwitch.id, videoSwitch.producer);
    return videoSwitch;
  }
  isSynthetic(producer: FakeProducer): boolean {
    return [...this.mixes, ...this.switches].some((t) => t.producer === producer);
  }
  /** Test control: the worker under this room dies. */
  die(): void {
    this.close('worker-died');
  }
  close(reason: RoomCloseReason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.endpoints) e.close();
    for (const t of [...this.mixes, ...this.switches]) t.close();
    this.emit('close', reason);
  }
}

export class FakeSfu implements Sfu {
  readonly rtpCapabilities = FAKE_CAPABILITIES;
  readonly rooms: FakeRoom[] = [];
  async createRoom(id: string): Promise<SfuRoom> {
    const room = new FakeRoom(id);
    this.rooms.push(room);
    return room;
  }
  counts(): SfuCounts {
    const live = this.rooms.filter((r) => !r.closed);
    const endpoints = live.flatMap((r) => r.endpoints).filter((e) => !e.closed);
    return {
      workers: 1,
      routers: live.length,
      transports: endpoints.length,
      producers: endpoints.flatMap((e) => e.producers).filter((p) => !p.closed).length,
      consumers: endpoints.flatMap((e) => e.consumers).filter((c) => !c.closed).length,
      mixers: live.flatMap((r) => r.mixes).filter((m) => !m.closed).length,
      switches: live.flatMap((r) => r.switches).filter((s) => !s.closed).length,
    };
  }
  async close(): Promise<void> {
    for (const r of this.rooms) r.close();
  }
}
