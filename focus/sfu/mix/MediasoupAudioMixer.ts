/**
 * A room's audio mixer on mediasoup. Every participant's audio producer is
 * consumed once on a DirectTransport, so its RTP reaches Node and feeds the
 * MixEngine; every 20 ms the engine's Opus packets go out through one
 * DirectTransport producer per mix (per excluded participant), which the
 * room's endpoints consume like any producer. The mixer exists while at
 * least one mix does: the room starts it for the first mix, and it closes
 * itself (and with it every input consumer) when the last mix closes.
 */
import type { types as ms } from 'mediasoup';
import { createLogger } from '../../../common/logger';
import { InvalidStateError, UnsupportedError } from '../../../common/errors';
import { buildRtpPacket, random32 } from '../rtp/rtpPacket';
import type { SfuAudioMix } from '../Sfu';
import { routerCodec, SYNTHETIC, type SyntheticHost } from '../synthetic';
import { MixClock } from './MixClock';
import { DEFAULT_MIX_OPTIONS, MixEngine, ROOM_MIX } from './MixEngine';
import { loadOpus } from './opus';
import { FRAME_MS, FRAME_SAMPLES } from './pcm';

const log = createLogger('sfu:mix');

/** One mix: its producer, its RTP numbering, and the handles given out for it. */
class MixOutput {
  refs = 0;
  #seq = random32() & 0xffff;
  #timestamp = random32();
  #first = true;

  constructor(
    readonly key: string,
    readonly producer: ms.Producer,
    private readonly payloadType: number,
    private readonly ssrc: number,
  ) {}

  /** The next 20 ms packet of this mix. */
  packet(payload: Uint8Array): Buffer {
    const packet = buildRtpPacket(
      {
        payloadType: this.payloadType,
        sequenceNumber: this.#seq,
        timestamp: this.#timestamp,
        ssrc: this.ssrc,
        marker: this.#first,
      },
      payload,
    );
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + FRAME_SAMPLES) >>> 0;
    this.#first = false;
    return packet;
  }
}

export class MediasoupAudioMixer {
  readonly #outputs = new Map<string, MixOutput>();
  /** Outputs being created, and mix() calls under way: the mixer stays open for them. */
  readonly #creating = new Map<string, Promise<MixOutput>>();
  #busy = 0;
  /** Input consumers by producer id. */
  readonly #inputs = new Map<string, ms.Consumer | null>();
  readonly #clock: MixClock;
  #closed = false;
  #onClose: (() => void) | null = null;

  private constructor(
    private readonly host: SyntheticHost,
    private readonly transport: ms.DirectTransport,
    private readonly engine: MixEngine,
    private readonly opus: ms.RtpCodecCapability,
  ) {
    this.#clock = new MixClock(FRAME_MS, () => this.#tick());
    transport.observer.once('close', () => this.close());
  }

  static async create(host: SyntheticHost): Promise<MediasoupAudioMixer> {
    const opus = routerCodec(host.router, 'audio/opus');
    if (!opus?.preferredPayloadType) throw new UnsupportedError('the router has no audio/opus');
    const engine = new MixEngine(await loadOpus(), DEFAULT_MIX_OPTIONS);
    const transport = await host.router.createDirectTransport();
    const mixer = new MediasoupAudioMixer(host, transport, engine, opus);
    for (const producer of host.producers()) void mixer.addProducer(producer);
    return mixer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Mixes (distinct exclusions) that exist now. */
  get outputs(): number {
    return this.#outputs.size;
  }

  /** Called once when the mixer closes, for whatever reason. */
  onClose(listener: () => void): void {
    this.#onClose = listener;
  }

  /** Adds a participant's audio producer to every mix (idempotent). */
  async addProducer(producer: ms.Producer): Promise<void> {
    if (this.#closed || producer.kind !== 'audio' || this.#inputs.has(producer.id)) return;
    this.#inputs.set(producer.id, null);
    const capabilities: ms.RtpCapabilities = { codecs: [this.opus], headerExtensions: [] };
    const router = this.host.router;
    try {
      const usable =
        (await this.host.ensureOn(producer.id, router)) &&
        router.canConsume({ producerId: producer.id, rtpCapabilities: capabilities });
      if (!usable || this.#closed) return void this.#inputs.delete(producer.id);
      const consumer = await this.transport.consume({
        producerId: producer.id,
        rtpCapabilities: capabilities,
      });
      if (this.#closed || !this.#inputs.has(producer.id)) return consumer.close();
      const participantId = String(producer.appData.participantId ?? '');
      this.#inputs.set(producer.id, consumer);
      this.engine.addInput(producer.id, participantId);
      consumer.on('rtp', (packet) => this.engine.push(producer.id, packet));
      consumer.observer.once('close', () => {
        this.#inputs.delete(producer.id);
        this.engine.removeInput(producer.id);
      });
    } catch (error) {
      this.#inputs.delete(producer.id);
      if (!this.#closed && !producer.closed)
        log.warn('cannot mix a producer', { producer: producer.id, error });
    }
  }

  /** A handle on the mix that leaves out `exclude` (null: the whole room). */
  async mix(exclude: string | null): Promise<SfuAudioMix> {
    if (this.#closed) throw new InvalidStateError('audio mixer closed');
    const key = exclude ?? ROOM_MIX;
    this.#busy++;
    try {
      const output = this.#outputs.get(key) ?? (await this.#output(key));
      if (this.#closed || output.producer.closed) throw new InvalidStateError('audio mixer closed');
      output.refs++;
      return new MixHandle(output, exclude, () => this.#release(output));
    } finally {
      this.#busy--;
      this.#closeIfUnused();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.stop();
    this.#outputs.clear();
    this.transport.close();
    this.#onClose?.();
  }

  #output(key: string): Promise<MixOutput> {
    let creating = this.#creating.get(key);
    if (!creating) {
      creating = this.#createOutput(key).finally(() => this.#creating.delete(key));
      this.#creating.set(key, creating);
    }
    return creating;
  }

  async #createOutput(key: string): Promise<MixOutput> {
    const ssrc = random32();
    const payloadType = this.opus.preferredPayloadType ?? 100;
    const producer = await this.transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: this.opus.mimeType, payloadType, clockRate: 48000, channels: 2 }],
        headerExtensions: [],
        encodings: [{ ssrc }],
      },
      appData: { [SYNTHETIC]: 'mix', exclude: key },
    });
    this.host.addSynthetic(producer, this.host.router);
    const output = new MixOutput(key, producer, payloadType, ssrc);
    this.engine.addOutput(key);
    this.#outputs.set(key, output);
    producer.observer.once('close', () => this.#removeOutput(output));
    this.#clock.start();
    log.debug('mix created', { exclude: key || null });
    return output;
  }

  #release(output: MixOutput): void {
    if (--output.refs > 0) return;
    output.producer.close();
  }

  #removeOutput(output: MixOutput): void {
    if (this.#outputs.get(output.key) === output) this.#outputs.delete(output.key);
    this.engine.removeOutput(output.key);
    this.#closeIfUnused();
  }

  #closeIfUnused(): void {
    if (this.#outputs.size === 0 && this.#creating.size === 0 && this.#busy === 0) this.close();
  }

  #tick(): void {
    try {
      for (const [key, payload] of this.engine.tick()) {
        const output = this.#outputs.get(key);
        if (output && !output.producer.closed) output.producer.send(output.packet(payload));
      }
    } catch (error) {
      log.error('mix frame failed', { error });
    }
  }
}

class MixHandle implements SfuAudioMix {
  readonly kind = 'audio';
  #closed = false;

  constructor(
    private readonly output: MixOutput,
    readonly exclude: string | null,
    private readonly release: () => void,
  ) {}

  get id(): string {
    return this.output.producer.id;
  }
  get closed(): boolean {
    return this.#closed || this.output.producer.closed;
  }
  close(): void {
    if (this.closed) return;
    this.#closed = true;
    this.release();
  }
}
