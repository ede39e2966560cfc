/**
 * A video switch on mediasoup: the selected source is consumed on a
 * DirectTransport, so each of its RTP packets reaches Node, where
 * SwitchedStream rewrites it into one continuous stream that a DirectTransport
 * producer sends back into the router. Receivers consume that producer like
 * any other. A new source is consumed as soon as it is selected, a keyframe
 * is requested from it, and the output switches on that keyframe; until
 * then the old source goes on. Keyframe requests from receivers (PLI, FIR)
 * come back to Node as RTCP on the DirectTransport and go to the source.
 */
import type { types as ms } from 'mediasoup';
import { createLogger } from '../../../common/logger';
import { InvalidStateError, UnsupportedError } from '../../../common/errors';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { requestsKeyFrame } from '../rtp/rtcpFeedback';
import { random32 } from '../rtp/rtpPacket';
import type { SfuVideoSwitch, SfuVideoSwitchEvents, SwitchCodecName } from '../Sfu';
import { routerCodec, SYNTHETIC, type SyntheticHost } from '../synthetic';
import { isKeyFrameStart, SwitchedStream } from './SwitchedStream';

const log = createLogger('sfu:switch');

/** While a selected source has sent no keyframe, ask again this often. */
const KEYFRAME_RETRY_MS = 1000;
const ORIENTATION = 'urn:3gpp:video-orientation';

interface Leg {
  readonly producerId: string;
  readonly consumer: ms.Consumer;
}

export class MediasoupVideoSwitch
  extends TypedEmitter<SfuVideoSwitchEvents>
  implements SfuVideoSwitch
{
  readonly kind = 'video';
  #current: Leg | null = null;
  #pending: Leg | null = null;
  #selection = 0;
  #retry: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  private constructor(
    private readonly host: SyntheticHost,
    readonly codec: SwitchCodecName,
    readonly exclude: string | null,
    private readonly transport: ms.DirectTransport,
    private readonly producer: ms.Producer,
    private readonly capabilities: ms.RtpCapabilities,
    private readonly stream: SwitchedStream,
  ) {
    super();
    transport.on('rtcp', (packet) => this.#onRtcp(packet));
    transport.observer.once('close', () => this.close());
  }

  static async create(
    host: SyntheticHost,
    codec: SwitchCodecName,
    exclude: string | null,
  ): Promise<MediasoupVideoSwitch> {
    const router = host.router;
    const capability = routerCodec(router, `video/${codec}`);
    if (!capability?.preferredPayloadType)
      throw new UnsupportedError(`the router has no video/${codec}`);
    const extensions = (router.rtpCapabilities.headerExtensions ?? []).filter(
      (e) => e.kind === 'video' && e.uri === ORIENTATION,
    );
    // Sources are consumed with the switch's codec only (no RTX: a DirectTransport loses nothing).
    const capabilities: ms.RtpCapabilities = { codecs: [capability], headerExtensions: extensions };
    const transport = await router.createDirectTransport();
    try {
      const ssrc = random32();
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [
            {
              mimeType: capability.mimeType,
              payloadType: capability.preferredPayloadType,
              clockRate: capability.clockRate,
              parameters: capability.parameters ?? {},
              // What the router may ask of this producer: keyframes (they go to the source).
              rtcpFeedback: [
                { type: 'nack', parameter: 'pli' },
                { type: 'ccm', parameter: 'fir' },
              ],
            },
          ],
          headerExtensions: extensions.map((e) => ({ uri: e.uri, id: e.preferredId })),
          encodings: [{ ssrc }],
        },
        appData: { [SYNTHETIC]: 'switch' },
      });
      host.addSynthetic(producer, router);
      const stream = new SwitchedStream({ ssrc, codec, clockRate: capability.clockRate });
      return new MediasoupVideoSwitch(
        host,
        codec,
        exclude,
        transport,
        producer,
        capabilities,
        stream,
      );
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get id(): string {
    return this.producer.id;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get source(): string | null {
    return this.#current?.producerId ?? null;
  }
  get pending(): string | null {
    return this.#pending?.producerId ?? null;
  }

  async select(producerId: string | null): Promise<boolean> {
    if (this.#closed) throw new InvalidStateError('video switch closed');
    const selection = ++this.#selection;
    if (producerId === null || producerId === this.source) {
      this.#setPending(null);
      if (producerId === null) this.#setCurrent(null);
      else this.#requestKeyFrame(this.#current);
      return true;
    }
    if (producerId === this.pending) return true;
    const source = this.host.producer(producerId);
    if (!source || source.closed || source.kind !== 'video') return false;
    if (this.exclude !== null && source.appData.participantId === this.exclude) return false;
    const router = this.host.router;
    const superseded = () => this.#closed || selection !== this.#selection;
    if (!(await this.host.ensureOn(producerId, router)) || superseded()) return false;
    if (!router.canConsume({ producerId, rtpCapabilities: this.capabilities })) return false;
    let consumer: ms.Consumer;
    try {
      consumer = await this.transport.consume({ producerId, rtpCapabilities: this.capabilities });
    } catch (error) {
      // The switch or the source closed meanwhile: not an error of the caller's.
      if (superseded() || source.closed) return false;
      throw error;
    }
    if (superseded()) {
      consumer.close();
      return false;
    }
    const leg: Leg = { producerId, consumer };
    consumer.on('rtp', (packet) => this.#onRtp(leg, packet));
    consumer.observer.once('close', () => this.#legClosed(leg));
    this.#setPending(leg);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#setPending(null);
    this.#current = null;
    this.transport.close();
    this.removeAllListeners();
  }

  #onRtp(leg: Leg, packet: Buffer): void {
    if (leg === this.#pending) {
      if (!isKeyFrameStart(this.codec, packet)) return;
      this.#pending = null;
      this.#stopRetry();
      this.stream.resync();
      this.#setCurrent(leg);
    }
    if (leg !== this.#current || this.producer.closed) return;
    if (this.stream.rewrite(packet, performance.now())) this.producer.send(packet);
  }

  #onRtcp(packet: Buffer): void {
    if (!requestsKeyFrame(packet, this.stream.ssrc)) return;
    this.#requestKeyFrame(this.#current);
    this.#requestKeyFrame(this.#pending);
  }

  #setPending(leg: Leg | null): void {
    this.#stopRetry();
    const old = this.#pending;
    this.#pending = leg;
    old?.consumer.close();
    if (!leg) return;
    this.#requestKeyFrame(leg);
    this.#retry = setInterval(() => this.#requestKeyFrame(this.#pending), KEYFRAME_RETRY_MS);
    this.#retry.unref();
  }

  #setCurrent(leg: Leg | null): void {
    const old = this.#current;
    if (old === leg) return;
    this.#current = leg;
    old?.consumer.close();
    log.debug('switched', { switch: this.id, source: leg?.producerId ?? null });
    this.emit('switched', leg?.producerId ?? null);
  }

  #legClosed(leg: Leg): void {
    if (leg === this.#pending) this.#setPending(null);
    // The source went away: the track carries nothing until the next select.
    if (leg === this.#current && !this.#closed) this.#setCurrent(null);
  }

  #requestKeyFrame(leg: Leg | null): void {
    if (!leg || leg.consumer.closed) return;
    leg.consumer
      .requestKeyFrame()
      .catch((error: unknown) => log.debug('keyframe request failed', { error }));
  }

  #stopRetry(): void {
    if (this.#retry) clearInterval(this.#retry);
    this.#retry = null;
  }
}
