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
  /** Audio mixes (SfuAudioMix outputs, one per distinct exclusion). */
  mixers: number;
  /** Video switches (SfuVideoSwitch). */
  switches: number;
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
  /**
   * One audio track mixed by the SFU from every audio producer of the room,
   * less those whose appData.participantId is `exclude` (mix-minus: a
   * participant never hears their own voice). It follows producers as they
   * come and go. Mixes with the same exclusion share one encoder.
   */
  createAudioMix(options?: { exclude?: string }): Promise<SfuAudioMix>;
  /**
   * One video track whose source the caller picks among the room's video
   * producers (select), behind one stable SSRC: the receiver's decoder sees
   * one continuous stream. Producers of `exclude` (a participant id: the
   * viewer) are never shown. The codec defaults to VP8.
   */
  createVideoSwitch(options?: {
    codec?: SwitchCodecName;
    exclude?: string;
  }): Promise<SfuVideoSwitch>;
  close(): void;
}

/**
 * A track the SFU makes (a mix or a switch). Its id is a producer id of the
 * room: `endpoint.consume(track.id, caps, mid)` accepts it, and the consumer
 * keeps its SSRC for the track's lifetime. Closing it (or the room) closes
 * its consumers ('producerclose').
 */
export interface SfuSyntheticTrack {
  readonly id: string;
  readonly kind: ms.MediaKind;
  readonly closed: boolean;
  /** Safe to call twice. */
  close(): void;
}

export interface SfuAudioMix extends SfuSyntheticTrack {
  readonly kind: 'audio';
  /** The participant left out, or null for the whole room. */
  readonly exclude: string | null;
}

export type SwitchCodecName = 'VP8' | 'H264';

export type SfuVideoSwitchEvents = {
  /**
   * The track now carries this producer's video (from its first keyframe
   * on), or nothing: null after select(null) or when the source closed.
   */
  switched: [producerId: string | null];
};

export interface SfuVideoSwitch
  extends SfuSyntheticTrack, Pick<TypedEmitter<SfuVideoSwitchEvents>, 'on' | 'off' | 'once'> {
  readonly kind: 'video';
  readonly codec: SwitchCodecName;
  /** The participant whose producers this switch never shows, or null. */
  readonly exclude: string | null;
  /** The producer whose video the track carries now, or null. */
  readonly source: string | null;
  /** The producer selected but not shown yet (its keyframe is awaited), or null. */
  readonly pending: string | null;
  /**
   * Shows a video producer of this room: a keyframe is requested from it and
   * the track switches on that keyframe, until which the old source goes on.
   * Resolves false (and changes nothing) when the producer is unknown, closed,
   * not video, excluded, not in the switch's codec, or another select came later.
   * select(null) stops the track (the receiver keeps the last frame).
   */
  select(producerId: string | null): Promise<boolean>;
}

export type SfuEndpointEvents = {
  /** ICE and DTLS are up (again): media can flow. */
  connected: [];
  /** ICE lost the participant, or DTLS failed. */
  failed: [failure: 'ice' | 'dtls'];
};

export interface SfuEndpoint extends Pick<TypedEmitter<SfuEndpointEvents>, 'on' | 'off' | 'once'> {
  readonly id: string;
  readonly closed: boolean;
  /** ICE and DTLS are both connected. */
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
   * A consumer of a producer of the same room, or null if the capabilities
   * cannot receive it. `mid` is the receiving content's name: it goes into the
   * RTP MID header extension, by which the peer demultiplexes. Paused unless
   * `paused` is false: an unpaused consumer starts, with a key frame request,
   * as soon as the endpoint's DTLS is connected.
   */
  consume(
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    mid: string,
    paused?: boolean,
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
  pause(): Promise<void>;
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
