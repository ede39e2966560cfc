/**
 * A 1:1 audio/video call between two XMPP users, as Conversations and Monal
 * make them: XEP-0353 Jingle Message Initiation rings the callee's devices
 * (propose, ringing, proceed/reject, retract, finish), then a peer-to-peer
 * Jingle RTP session runs between the caller (initiator) and the device that
 * accepted. Media goes straight between the two, or through TURN. It uses the
 * standard WebRTC API only, so the browser and Node bots share it.
 */
import type { Element } from '@xmpp/xml';
import {
  JingleError,
  JingleSession,
  jmiMessage,
  type JinglePayload,
  type JingleReason,
  type JmiMessage,
  type MediaKind,
  type Result,
  type SessionInfo,
} from '../jingle';
import { err, badRequest } from '../jingle';
import { TypedEmitter } from '../common/TypedEmitter';
import { JinglePeer } from './JinglePeer';

export type CallState = 'proposing' | 'ringing' | 'connecting' | 'active' | 'ended';

/** How a call reaches the network: our XMPP connection. */
export interface CallLink {
  /** Our own full JID (it is known once the connection is up). */
  jid(): string;
  send(stanza: Element): Promise<void>;
  /** Sends a Jingle IQ-set and resolves on the result. */
  sendJingle(to: string, payload: JinglePayload): Promise<void>;
}

/** What a call needs to make media. */
export interface CallMedia {
  createPeerConnection(): RTCPeerConnection;
  /**
   * Our tracks (e.g. { audio, video }); a video upgrade adds one later. Read
   * when the session starts, so they may be filled in until then. `null`
   * under a kind sends that kind with no track yet (see JinglePeer).
   */
  tracks: Record<string, MediaStreamTrack | null | undefined>;
  stream?: MediaStream;
}

export interface CallTimeouts {
  /** How long a call may ring before the caller gives up (reason timeout). */
  ringTimeoutMs?: number;
  /** How long media may take to connect once answered. */
  connectTimeoutMs?: number;
}

const RING_TIMEOUT_MS = 60000;
const CONNECT_TIMEOUT_MS = 30000;

export type CallEvents = {
  state: [CallState];
  trackadded: [name: string, track: MediaStreamTrack];
  trackremoved: [name: string];
  /** XEP-0167 session-info from the other party (mute/unmute of one of its contents). */
  info: [SessionInfo];
  /** The peer connection's state, once the session runs. */
  connection: [RTCPeerConnectionState];
  /** The call is over; the reason says why (success, decline, cancel, busy…). */
  ended: [JingleReason];
};

const bare = (jid: string): string => jid.split('/')[0] ?? jid;

export class OneToOneCall extends TypedEmitter<CallEvents> {
  private _state: CallState;
  private peer: JinglePeer | null = null;
  /** The other party: a bare JID until a device proceeds (outgoing), a full JID for incoming calls. */
  remote: string;
  private endReason: JingleReason | null = null;
  private _endedLocally = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly timeouts: Required<CallTimeouts>;

  private constructor(
    readonly id: string,
    readonly direction: 'outgoing' | 'incoming',
    remote: string,
    readonly media: MediaKind[],
    private readonly link: CallLink,
    readonly callMedia: CallMedia,
    timeouts: CallTimeouts,
  ) {
    super();
    this.remote = remote;
    this._state = direction === 'outgoing' ? 'proposing' : 'ringing';
    this.timeouts = {
      ringTimeoutMs: timeouts.ringTimeoutMs ?? RING_TIMEOUT_MS,
      connectTimeoutMs: timeouts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    };
    this.arm(this.timeouts.ringTimeoutMs, () => this.ringTimedOut());
  }

  /** Rings `to` (a bare JID: every device of the user rings). */
  static async propose(
    link: CallLink,
    media: CallMedia,
    to: string,
    kinds: MediaKind[],
    id = randomId(),
    timeouts: CallTimeouts = {},
  ): Promise<OneToOneCall> {
    const call = new OneToOneCall(id, 'outgoing', bare(to), kinds, link, media, timeouts);
    // The message id is the call id, so an error bounce finds the call.
    await link.send(jmiMessage(bare(to), { action: 'propose', id, media: kinds }, id));
    return call;
  }

  /** An incoming proposal from `from` (a full JID); tells the caller we ring. */
  static async incoming(
    link: CallLink,
    media: CallMedia,
    from: string,
    propose: JmiMessage,
    timeouts: CallTimeouts = {},
  ): Promise<OneToOneCall> {
    const call = new OneToOneCall(
      propose.id,
      'incoming',
      from,
      propose.media,
      link,
      media,
      timeouts,
    );
    await link.send(jmiMessage(from, { action: 'ringing', id: propose.id, media: [] }));
    return call;
  }

  get state(): CallState {
    return this._state;
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.peer?.pc ?? null;
  }

  get session(): JingleSession | null {
    return this.peer?.session ?? null;
  }

  /** The reason the call ended with, once it has. */
  get reason(): JingleReason | null {
    return this.endReason;
  }

  /** Whether we ended it (hang-up, decline, cancel) rather than the other party or the network. */
  get endedLocally(): boolean {
    return this._endedLocally;
  }

  /** The media kind of a content of the session (for session-info about it). */
  kindOf(content: string): MediaKind | undefined {
    const found = this.peer?.session.contents.find((c) => c.name === content);
    return (found?.remote ?? found?.local)?.description?.media;
  }

  private setState(state: CallState): void {
    if (this._state === state || this._state === 'ended') return;
    this._state = state;
    if (state === 'connecting')
      this.arm(this.timeouts.connectTimeoutMs, () => {
        void this.hangUp({ condition: 'failed-transport', text: 'media did not connect' });
      });
    else if (state === 'active') this.arm(0, null);
    this.emit('state', state);
  }

  /** A JMI message about this call. */
  async onMessage(from: string, m: JmiMessage): Promise<void> {
    if (this._state === 'ended') return;
    switch (m.action) {
      case 'ringing':
        if (this.direction === 'outgoing' && this._state === 'proposing') this.setState('ringing');
        return;
      case 'proceed':
        if (
          this.direction !== 'outgoing' ||
          this._state === 'connecting' ||
          this._state === 'active'
        )
          return;
        this.remote = from;
        this.setState('connecting');
        this.peer = this.startPeer('initiator');
        await this.peer.initiate();
        return;
      case 'reject':
        return this.finish(m.reason ?? { condition: 'decline' }, false);
      case 'retract':
        return this.finish(m.reason ?? { condition: 'cancel' }, false);
      case 'accept':
        // Another of our own devices answered: stop ringing here.
        if (
          this.direction === 'incoming' &&
          bare(from) === bare(this.link.jid()) &&
          from !== this.link.jid()
        ) {
          this.finish({ condition: 'cancel', text: 'answered on another device' }, false);
        }
        return;
      case 'finish':
        return this.finish(m.reason ?? { condition: 'success' }, false);
      case 'propose':
        return;
    }
  }

  /** The proposal bounced (no such user, unreachable server): the call cannot ring. */
  unreachable(text: string): void {
    if (this.direction !== 'outgoing' || this.peer) return;
    this.finish({ condition: 'gone', text }, false);
  }

  /** Callee: answer. Our other devices hear accept; the caller hears proceed and initiates. */
  async accept(): Promise<void> {
    if (this.direction !== 'incoming' || this._state !== 'ringing') return;
    this.setState('connecting');
    await this.link.send(
      jmiMessage(bare(this.link.jid()), { action: 'accept', id: this.id, media: [] }),
    );
    await this.link.send(jmiMessage(this.remote, { action: 'proceed', id: this.id, media: [] }));
  }

  /** Callee: refuse the call. */
  async decline(reason: JingleReason = { condition: 'decline' }): Promise<void> {
    if (this.direction !== 'incoming' || this._state !== 'ringing') return;
    this.finish(reason, true);
    await this.link.send(
      jmiMessage(this.remote, { action: 'reject', id: this.id, media: [], reason }),
    );
  }

  /** Ends the call whatever its state: retract before it connects, session-terminate after. */
  async hangUp(reason: JingleReason = { condition: 'success' }): Promise<void> {
    if (this._state === 'ended') return;
    const peer = this.peer;
    if (peer) {
      const terminated = peer.terminate(reason); // session-terminate leaves before close()
      this.finish(reason, true);
      await terminated;
      await this.link
        .send(jmiMessage(this.remote, { action: 'finish', id: this.id, media: [], reason }))
        .catch(() => {});
    } else if (this.direction === 'outgoing') {
      const why = reason.condition === 'success' ? { condition: 'cancel' as const } : reason;
      this.finish(why, true);
      await this.link.send(
        jmiMessage(this.remote, { action: 'retract', id: this.id, media: [], reason: why }),
      );
    } else if (this._state === 'ringing') {
      await this.decline();
    } else {
      // Accepted, but the session has not started: tell the caller we are gone.
      this.finish(reason, true);
      await this.link
        .send(jmiMessage(this.remote, { action: 'finish', id: this.id, media: [], reason }))
        .catch(() => {});
    }
  }

  /** A Jingle IQ for this call's sid; the result answers the IQ. */
  async onJingle(from: string, payload: JinglePayload): Promise<Result<void, JingleError>> {
    if (this.direction === 'incoming' && payload.action === 'session-initiate' && !this.peer) {
      if (this._state !== 'connecting' || bare(from) !== bare(this.remote)) {
        return err(badRequest('jingle.@action', 'no call was accepted for this session'));
      }
      this.remote = from;
      this.peer = this.startPeer('responder');
    }
    if (!this.peer || from !== this.remote) {
      return err(
        new JingleError('item-not-found', 'jingle.@sid', 'unknown session', {
          jingleCondition: 'unknown-session',
        }),
      );
    }
    return this.peer.handle(payload);
  }

  /** Adds a track during the call (upgrade to video), with content-add. */
  async addTrack(track: MediaStreamTrack): Promise<string> {
    if (!this.peer) throw new Error('the call is not connected');
    this.callMedia.tracks[track.kind] ??= track;
    return this.peer.addTrack(track, { stream: this.callMedia.stream, direction: 'sendrecv' });
  }

  /**
   * Sends `track` as our audio or video: swapped in where a content of that
   * kind exists (camera back on), added with content-add where none does
   * (upgrade to video); null stops sending (camera off) without renegotiation.
   */
  async setTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    this.callMedia.tracks[kind] = track;
    if (!this.peer) return;
    if (await this.peer.replaceTrack(kind, track)) return;
    if (track) await this.addTrack(track);
  }

  /** Tells the other party our audio or video is muted or not (XEP-0167 session-info). */
  async setMuted(kind: 'audio' | 'video', muted: boolean): Promise<void> {
    const content = this.peer?.contentOf(kind);
    if (!this.peer || !content || this._state === 'ended') return;
    await this.peer.setMuted(content, muted);
  }

  private startPeer(role: 'initiator' | 'responder'): JinglePeer {
    const pc = this.callMedia.createPeerConnection();
    const peer = new JinglePeer({
      pc,
      session: new JingleSession({ sid: this.id, localRole: role, localJid: this.link.jid() }),
      send: (payload) => this.link.sendJingle(this.remote, payload),
      localTracks: this.callMedia.tracks,
      localStream: this.callMedia.stream,
      trickle: true,
    });
    peer.on('trackadded', (name, track) => this.emit('trackadded', name, track));
    peer.on('trackremoved', (name) => this.emit('trackremoved', name));
    peer.on('info', (info) => this.emit('info', info));
    peer.on('ended', (reason) => this.finish(reason ?? { condition: 'success' }, false));
    peer.on('error', () => {});
    peer.on('connection', (state) => {
      if (this._state === 'ended') return;
      this.emit('connection', state);
      if (state === 'connected') this.setState('active');
      else if (state === 'failed')
        void this.hangUp({ condition: 'failed-transport', text: 'the media connection failed' });
    });
    return peer;
  }

  private ringTimedOut(): void {
    if (this._state !== 'proposing' && this._state !== 'ringing') return;
    // The caller withdraws the proposal; the callee just stops ringing (the caller retracts).
    if (this.direction === 'outgoing') void this.hangUp({ condition: 'timeout' }).catch(() => {});
    else this.finish({ condition: 'timeout' }, false);
  }

  /** One pending timer per call (ringing, then connecting); `ms` 0 just clears it. */
  private arm(ms: number, run: (() => void) | null): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!run || ms <= 0) return;
    const timer = setTimeout(run, ms);
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  private finish(reason: JingleReason, locally: boolean): void {
    if (this._state === 'ended') return;
    this.arm(0, null);
    this.endReason = reason;
    this._endedLocally = locally;
    this.peer?.close();
    this._state = 'ended';
    this.emit('state', 'ended');
    this.emit('ended', reason);
  }
}

function randomId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
