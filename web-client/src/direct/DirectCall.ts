/**
 * One 1:1 call in the page, between the signed-in person and any JID: the
 * shared call logic (client/OneToOneCall: XEP-0353 ringing and a
 * peer-to-peer Jingle RTP session) plus the person's own camera and
 * microphone for this call, TURN from XEP-0215, and what the screen shows
 * (remote tracks and their mute state, connection, duration, how it ended).
 *
 * The microphone and the camera keep their content when turned off: the
 * other side is told with session-info mute, and turning them back on is a
 * track swap. A camera turned on in an audio-only call adds video with
 * content-add.
 */
import type { CallMedia, CallState, OneToOneCall } from '../../../client/OneToOneCall';
import type { MediaKind, SessionInfo } from '../../../jingle';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { errorMessage } from '../../../common/errors';
import { createLogger } from '../log';
import { LocalMedia } from '../media/LocalMedia';
import { displayName } from '../address';
import { describeEnd, type EndText } from './callEnd';

const log = createLogger('direct');

/** The media a browser call needs: our tracks and a peer connection with the call's ICE servers. */
export class BrowserCallMedia implements CallMedia {
  tracks: Record<string, MediaStreamTrack | null | undefined> = {};
  readonly stream = new MediaStream();
  iceServers: RTCIceServer[] = [];

  constructor(private readonly policy: RTCIceTransportPolicy) {}

  createPeerConnection(): RTCPeerConnection {
    return new RTCPeerConnection({
      iceServers: this.iceServers,
      iceTransportPolicy: this.policy,
      // balanced: peers without BUNDLE (Dino) keep one transport per content.
      bundlePolicy: 'balanced',
    });
  }
}

/** What a DirectCall needs from the signed-in account. */
export interface DirectCallHost {
  /** STUN/TURN from the user's server (XEP-0215), fresh credentials per call. */
  iceServers(): Promise<RTCIceServer[]>;
  call(to: string, kinds: MediaKind[], media: BrowserCallMedia): Promise<OneToOneCall>;
}

export type DirectCallEvents = { changed: [] };

export class DirectCall extends TypedEmitter<DirectCallEvents> {
  remoteAudio: MediaStreamTrack | null = null;
  remoteVideo: MediaStreamTrack | null = null;
  readonly remoteMuted = { audio: false, video: false };
  connection: RTCPeerConnectionState = 'new';
  /** When media first connected (Date.now()), 0 before. */
  connectedAt = 0;
  private endedAt = 0;
  private readonly remoteTracks = new Map<string, MediaStreamTrack>();
  /** What we last told the other side about our mute state. */
  private readonly told = { audio: false, video: false };
  private closed = false;

  private constructor(
    readonly call: OneToOneCall,
    /** The person's own microphone and camera for this call. */
    readonly local: LocalMedia,
  ) {
    super();
    call.on('state', (state) => this.onState(state));
    call.on('trackadded', (name, track) => {
      this.remoteTracks.set(name, track);
      this.refreshRemote();
    });
    call.on('trackremoved', (name) => {
      this.remoteTracks.delete(name);
      this.refreshRemote();
    });
    call.on('info', (info) => this.onInfo(info));
    call.on('connection', (state) => {
      this.connection = state;
      if (state === 'connected' && !this.connectedAt) this.connectedAt = Date.now();
      this.emit('changed');
    });
    this.local.on('track', (kind, track) => {
      void this.call.setTrack(kind, track).catch((error: unknown) => {
        log.warn('cannot send the new track', { kind, error: errorMessage(error) });
      });
    });
    this.local.on('changed', () => {
      void this.tellMuteState();
      this.emit('changed');
    });
  }

  /** Opens the devices and rings `to`. */
  static async place(
    host: DirectCallHost,
    to: string,
    kinds: MediaKind[],
    policy: RTCIceTransportPolicy,
  ): Promise<DirectCall> {
    const media = new BrowserCallMedia(policy);
    const local = new LocalMedia();
    local.cameraOn = kinds.includes('video');
    try {
      const [, iceServers] = await Promise.all([local.start(), host.iceServers()]);
      media.iceServers = iceServers;
      media.tracks = { audio: local.audio };
      if (kinds.includes('video')) media.tracks.video = local.sendingVideo ? local.video : null;
      const call = await host.call(to, kinds, media);
      return new DirectCall(call, local);
    } catch (error) {
      local.close();
      throw error;
    }
  }

  /** A call that rings us. */
  static incoming(call: OneToOneCall): DirectCall {
    return new DirectCall(call, new LocalMedia());
  }

  /** The other party's bare JID. */
  get peer(): string {
    return this.call.remote.split('/')[0] ?? this.call.remote;
  }

  get peerName(): string {
    return displayName(this.peer);
  }

  get state(): CallState {
    return this.call.state;
  }

  get video(): boolean {
    return this.call.media.includes('video');
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.call.peerConnection;
  }

  /** How the call ended, once it has. */
  get end(): EndText | null {
    const reason = this.call.reason;
    if (!reason) return null;
    return describeEnd(this.peerName, {
      direction: this.call.direction,
      reason,
      locally: this.call.endedLocally,
      connected: this.connectedAt > 0,
      durationMs: this.connectedAt ? (this.endedAt || Date.now()) - this.connectedAt : 0,
    });
  }

  /** Answers with the microphone, and the camera when `video` (the call must offer video). */
  async accept(video: boolean, iceServers: Promise<RTCIceServer[]>): Promise<void> {
    if (this.call.state !== 'ringing') return;
    const media = this.call.callMedia as BrowserCallMedia;
    this.local.cameraOn = video;
    const [, servers] = await Promise.all([this.local.start(), iceServers]);
    if (this.call.state !== 'ringing') return; // the caller gave up meanwhile
    media.iceServers = servers;
    media.tracks = { audio: this.local.audio };
    if (this.video) media.tracks.video = this.local.sendingVideo ? this.local.video : null;
    await this.call.accept();
  }

  decline(): Promise<void> {
    return this.call.decline();
  }

  hangUp(): Promise<void> {
    return this.call.hangUp();
  }

  setMicOn(on: boolean): Promise<void> {
    return this.local.setMicOn(on);
  }

  setCameraOn(on: boolean): Promise<void> {
    return this.local.setCameraOn(on);
  }

  private onState(state: CallState): void {
    if (state === 'active') void this.tellMuteState(true);
    if (state === 'ended') {
      this.endedAt = Date.now();
      this.close();
    }
    this.emit('changed');
  }

  private onInfo(info: SessionInfo): void {
    if (info.type !== 'mute' && info.type !== 'unmute') return;
    const muted = info.type === 'mute';
    const kind = info.name ? this.call.kindOf(info.name) : undefined;
    if (kind) this.remoteMuted[kind] = muted;
    else this.remoteMuted.audio = this.remoteMuted.video = muted;
    this.emit('changed');
  }

  /** Tells the other side when our microphone or camera went off or on. */
  private async tellMuteState(initial = false): Promise<void> {
    if (this.call.state !== 'active') return;
    const sending = { audio: this.local.sendingAudio, video: this.local.sendingVideo };
    for (const kind of ['audio', 'video'] as const) {
      const muted = !sending[kind];
      if (this.told[kind] === muted && !(initial && muted)) continue;
      this.told[kind] = muted;
      await this.call.setMuted(kind, muted).catch(() => {});
    }
  }

  private refreshRemote(): void {
    const tracks = [...this.remoteTracks.values()];
    this.remoteAudio = tracks.find((t) => t.kind === 'audio') ?? null;
    this.remoteVideo = tracks.find((t) => t.kind === 'video') ?? null;
    this.emit('changed');
  }

  /** Stops our devices (the call's end does it too). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.local.close();
  }
}
