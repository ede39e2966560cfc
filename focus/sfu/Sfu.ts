/**
 * The seam between conference logic and the media server. focus/ talks only
 * to these interfaces, so the conference state machine can be unit-tested
 * with a fake SFU; MediasoupSfu is the real adapter, tested for real.
 * Parameter types are mediasoup's (types only).
 */
import type { types as ms } from 'mediasoup';
import type { TypedEmitter } from '../../common/TypedEmitter';

export type { ms };

export interface SfuCounts {
  workers: number;
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
}

export interface Sfu {
  /** What every room's routers can receive and send. */
  readonly rtpCapabilities: ms.RtpCapabilities;
  createRoom(id: string): Promise<SfuRoom>;
  counts(): SfuCounts;
  close(): Promise<void>;
}

export type RoomCloseReason = 'closed' | 'worker-died';

export type SfuRoomEvents = {
  /** The room's media is gone; sessions must be re-created on a new room. */
  close: [RoomCloseReason];
  /** The loudest speaker changed (mediasoup ActiveSpeakerObserver). */
  dominantspeaker: [producerId: string];
};

export interface SfuRoom extends Pick<TypedEmitter<SfuRoomEvents>, 'on' | 'off' | 'once'> {
  readonly id: string;
  readonly closed: boolean;
  /** A transport for one participant (send and receive, BUNDLE). */
  createEndpoint(participantId: string): Promise<SfuEndpoint>;
  close(): void;
}

export type SfuEndpointEvents = {
  /** DTLS is up: media can flow. */
  connected: [];
  /** ICE or DTLS failed or closed. */
  failed: [];
};

export interface SfuEndpoint extends Pick<TypedEmitter<SfuEndpointEvents>, 'on' | 'off' | 'once'> {
  readonly id: string;
  readonly closed: boolean;
  readonly connected: boolean;
  readonly iceParameters: ms.IceParameters;
  readonly iceCandidates: ms.IceCandidate[];
  readonly dtlsParameters: ms.DtlsParameters;
  /** The participant's DTLS role and fingerprint, from its answer. */
  connect(remote: ms.DtlsParameters): Promise<void>;
  /** New ICE credentials (an ICE restart). */
  restartIce(): Promise<ms.IceParameters>;
  produce(options: {
    kind: ms.MediaKind;
    rtpParameters: ms.RtpParameters;
    appData: ProducerAppData;
  }): Promise<SfuProducer>;
  /**
   * A paused consumer of a producer of the same room, or null if the
   * capabilities cannot receive it. `mid` is the receiving content's name: it
   * goes into the RTP MID header extension, by which the peer demultiplexes.
   */
  consume(
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    mid: string,
  ): Promise<SfuConsumer | null>;
  close(): void;
}

export interface ProducerAppData {
  [key: string]: unknown;
  participantId: string;
  /** The Jingle content name the participant sends this track on. */
  contentName: string;
}

export interface SfuProducer {
  readonly id: string;
  readonly kind: ms.MediaKind;
  readonly closed: boolean;
  readonly appData: ProducerAppData;
  /** Number of encodings (simulcast layers). */
  readonly layers: number;
  /** RTP received so far, over all encodings. */
  stats(): Promise<RtpCounts>;
  close(): void;
}

export type SfuConsumerEvents = {
  /** The producer went away; the consumer is closed. */
  producerclose: [];
};

export interface SfuConsumer extends Pick<TypedEmitter<SfuConsumerEvents>, 'on' | 'off' | 'once'> {
  readonly id: string;
  readonly producerId: string;
  readonly kind: ms.MediaKind;
  readonly rtpParameters: ms.RtpParameters;
  readonly paused: boolean;
  readonly closed: boolean;
  resume(): Promise<void>;
  /** Caps the forwarded simulcast layer (mediasoup picks the best at or below it). */
  setPreferredLayers(spatialLayer: number, temporalLayer?: number): Promise<void>;
  requestKeyFrame(): Promise<void>;
  /** RTP forwarded so far. */
  stats(): Promise<RtpCounts>;
  close(): void;
}

export interface RtpCounts {
  packets: number;
  bytes: number;
}
