/**
 * The real SFU: mediasoup routers on a pool of workers. A room starts with one
 * router on the least-loaded worker; when that worker's consumers exceed the
 * budget, new participants land on a router on another worker and producers
 * are piped between the room's routers (pipeToRouter) on demand.
 */
import type { types as ms } from 'mediasoup';
import { createLogger } from '../../common/logger';
import { InvalidStateError } from '../../common/errors';
import { TypedEmitter } from '../../common/TypedEmitter';
import type { FocusConfig } from '../config';
import { MEDIA_CODECS } from './codecs';
import { MediasoupEndpoint, type EndpointHost } from './MediasoupEndpoint';
import { MediasoupAudioMixer } from './mix/MediasoupAudioMixer';
import type {
  RoomCloseReason,
  Sfu,
  SfuAudioMix,
  SfuCounts,
  SfuEndpoint,
  SfuRoom,
  SfuRoomEvents,
  SfuVideoSwitch,
  SwitchCodecName,
} from './Sfu';
import { MediasoupVideoSwitch } from './switch/MediasoupVideoSwitch';
import type { SyntheticHost } from './synthetic';
import { WorkerPool, type WorkerSlot } from './WorkerPool';

const log = createLogger('sfu');

export class MediasoupSfu implements Sfu {
  readonly rooms = new Set<MediasoupRoom>();

  private constructor(
    readonly pool: WorkerPool,
    readonly rtpCapabilities: ms.RtpCapabilities,
    private readonly config: FocusConfig,
  ) {}

  static async create(config: FocusConfig): Promise<MediasoupSfu> {
    const pool = await WorkerPool.create(config);
    const first = pool.slots[0];
    if (!first) throw new TypeError('no workers');
    // Routers with the same codecs have the same capabilities; ask one.
    const probe = await first.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const capabilities = probe.rtpCapabilities;
    probe.close();
    log.info('SFU ready', {
      workers: pool.slots.map((s) => `${s.worker.pid}@${s.port}`).join(','),
    });
    return new MediasoupSfu(pool, capabilities, config);
  }

  async createRoom(id: string): Promise<SfuRoom> {
    const room = new MediasoupRoom(id, this.pool, this.config);
    await room.start();
    this.rooms.add(room);
    room.once('close', () => this.rooms.delete(room));
    return room;
  }

  counts(): SfuCounts {
    const counts: SfuCounts = {
      workers: this.pool.slots.length,
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      mixers: 0,
      switches: 0,
    };
    for (const room of this.rooms) room.addCounts(counts);
    return counts;
  }

  async close(): Promise<void> {
    for (const room of [...this.rooms]) room.close();
    this.pool.close();
  }
}

export class MediasoupRoom
  extends TypedEmitter<SfuRoomEvents>
  implements SfuRoom, EndpointHost, SyntheticHost
{
  private readonly routers = new Map<WorkerSlot, ms.Router>();
  private readonly endpoints = new Set<MediasoupEndpoint>();
  /** Every producer of the room and the router it was created on. */
  private readonly producerHome = new Map<
    string,
    { producer: ms.Producer; router: ms.Router; synthetic: boolean }
  >();
  /** The audio mixer, while at least one mix exists. */
  private mixer: Promise<MediasoupAudioMixer> | null = null;
  private readonly switches = new Set<MediasoupVideoSwitch>();
  /** Producers piped to other routers: `${producerId}@${routerId}`. */
  private readonly pipes = new Map<string, Promise<void>>();
  private speakerObserver: ms.ActiveSpeakerObserver | null = null;
  private mainRouter: ms.Router | null = null;
  private _closed = false;
  private readonly log;

  constructor(
    readonly id: string,
    private readonly pool: WorkerPool,
    private readonly config: FocusConfig,
  ) {
    super();
    this.log = log.child({ room: id });
  }

  get closed(): boolean {
    return this._closed;
  }

  async start(): Promise<void> {
    const slot = await this.pool.liveWorker();
    if (!slot) throw new InvalidStateError('no live mediasoup worker');
    this.mainRouter = await this.routerOn(slot);
    this.speakerObserver = await this.mainRouter.createActiveSpeakerObserver({
      interval: this.config.activeSpeakerIntervalMs,
    });
    this.speakerObserver.on('dominantspeaker', ({ producer }) =>
      this.emit('dominantspeaker', producer.id),
    );
  }

  async createEndpoint(participantId: string): Promise<SfuEndpoint> {
    if (this._closed) throw new InvalidStateError('room closed');
    const slot = await this.placeEndpoint();
    const router = await this.routerOn(slot);
    const transport = await router.createWebRtcTransport({
      webRtcServer: slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { participantId },
    });
    const endpoint = new MediasoupEndpoint(transport, slot, router, this);
    this.endpoints.add(endpoint);
    transport.observer.once('close', () => this.endpoints.delete(endpoint));
    this.log.debug('endpoint created', { participant: participantId, worker: slot.index });
    return endpoint;
  }

  /** Keeps the room on its current workers until they exceed the consumer budget. */
  private async placeEndpoint(): Promise<WorkerSlot> {
    const own = [...this.routers.keys()].filter(
      (s) => !s.worker.closed && s.consumers < this.config.consumerBudget,
    );
    const slot = await this.pool.liveWorker(own.length ? own : this.pool.slots);
    if (!slot) throw new InvalidStateError('no live mediasoup worker');
    if (!this.routers.has(slot) && this.routers.size > 0) {
      this.log.info('room spills onto another worker', {
        worker: slot.index,
        routers: this.routers.size + 1,
      });
    }
    return slot;
  }

  private async routerOn(slot: WorkerSlot): Promise<ms.Router> {
    const existing = this.routers.get(slot);
    if (existing && !existing.closed) return existing;
    const router = await slot.worker.createRouter({
      mediaCodecs: MEDIA_CODECS,
      appData: { room: this.id },
    });
    this.routers.set(slot, router);
    slot.routers++;
    router.observer.once('close', () => {
      slot.routers = Math.max(0, slot.routers - 1);
      if (this.routers.get(slot) === router) this.routers.delete(slot);
    });
    router.once('workerclose', () => this.close('worker-died'));
    return router;
  }

  /** EndpointHost: a producer was created on `router`. */
  async producerAdded(producer: ms.Producer, router: ms.Router): Promise<void> {
    this.track(producer, router, false);
    if (producer.kind === 'audio' && this.speakerObserver && this.mainRouter) {
      await this.ensureOn(producer.id, this.mainRouter);
      await this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => {});
      if (this.mixer) void this.mixer.then((m) => m.addProducer(producer)).catch(() => {});
    }
  }

  /** SyntheticHost: a mix or switch output, consumable like a participant's producer. */
  addSynthetic(producer: ms.Producer, router: ms.Router): void {
    this.track(producer, router, true);
  }

  private track(producer: ms.Producer, router: ms.Router, synthetic: boolean): void {
    this.producerHome.set(producer.id, { producer, router, synthetic });
    producer.observer.once('close', () => {
      this.producerHome.delete(producer.id);
      for (const key of [...this.pipes.keys()])
        if (key.startsWith(producer.id + '@')) this.pipes.delete(key);
    });
  }

  /** SyntheticHost: the router the mixer and the switches live on. */
  get router(): ms.Router {
    if (!this.mainRouter || this._closed) throw new InvalidStateError('room closed');
    return this.mainRouter;
  }

  *producers(): Iterable<ms.Producer> {
    for (const { producer, synthetic } of this.producerHome.values())
      if (!synthetic) yield producer;
  }

  producer(id: string): ms.Producer | undefined {
    const home = this.producerHome.get(id);
    return home && !home.synthetic ? home.producer : undefined;
  }

  async createAudioMix(options: { exclude?: string } = {}): Promise<SfuAudioMix> {
    for (;;) {
      if (this._closed) throw new InvalidStateError('room closed');
      const starting = (this.mixer ??= this.startMixer());
      const mixer = await starting;
      if (!mixer.closed) return mixer.mix(options.exclude ?? null);
      // It closed meanwhile (its last mix went): start another.
      if (this.mixer === starting) this.mixer = null;
    }
  }

  private startMixer(): Promise<MediasoupAudioMixer> {
    const started = MediasoupAudioMixer.create(this).then((mixer) => {
      mixer.onClose(() => {
        if (this.mixer === started) this.mixer = null;
      });
      if (this._closed) mixer.close();
      return mixer;
    });
    started.catch(() => {
      if (this.mixer === started) this.mixer = null;
    });
    return started;
  }

  async createVideoSwitch(
    options: { codec?: SwitchCodecName; exclude?: string } = {},
  ): Promise<SfuVideoSwitch> {
    if (this._closed) throw new InvalidStateError('room closed');
    const videoSwitch = await MediasoupVideoSwitch.create(
      this,
      options.codec ?? 'VP8',
      options.exclude ?? null,
    );
    if (this._closed) {
      videoSwitch.close();
      throw new InvalidStateError('room closed');
    }
    this.switches.add(videoSwitch);
    this.producerHome
      .get(videoSwitch.id)
      ?.producer.observer.once('close', () => this.switches.delete(videoSwitch));
    return videoSwitch;
  }

  /** EndpointHost: makes a producer of this room consumable on `router`. */
  async ensureOn(producerId: string, router: ms.Router): Promise<boolean> {
    const home = this.producerHome.get(producerId)?.router;
    if (!home) return false;
    if (home === router) return true;
    const key = `${producerId}@${router.id}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      pipe = home.pipeToRouter({ producerId, router }).then(() => undefined);
      this.pipes.set(key, pipe);
      pipe.catch(() => this.pipes.delete(key));
    }
    await pipe;
    return true;
  }

  addCounts(counts: SfuCounts): void {
    counts.routers += [...this.routers.values()].filter((r) => !r.closed).length;
    for (const endpoint of this.endpoints) endpoint.addCounts(counts);
    for (const { synthetic, producer } of this.producerHome.values()) {
      if (!synthetic) continue;
      if (producer.kind === 'audio') counts.mixers++;
      else counts.switches++;
    }
  }

  close(reason: RoomCloseReason = 'closed'): void {
    if (this._closed) return;
    this._closed = true;
    for (const videoSwitch of [...this.switches]) videoSwitch.close();
    void this.mixer?.then((mixer) => mixer.close()).catch(() => {});
    for (const endpoint of [...this.endpoints]) endpoint.close();
    for (const router of this.routers.values()) router.close();
    this.routers.clear();
    this.log.info('room media closed', { reason });
    this.emit('close', reason);
    this.removeAllListeners();
  }
}
