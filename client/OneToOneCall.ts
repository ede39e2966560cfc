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
  /** Our tracks (e.g. { audio, video }); a video upgrade adds one later. */
  tracks: Record<string, MediaStreamTrack | undefined>;
  stream?: MediaStream;
}

export type CallEvents = {
  state: [CallState];
  trackadded: [name: string, track: MediaStreamTrack];
  trackremoved: [name: string];
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

  private constructor(
    readonly id: string,
    readonly direction: 'outgoing' | 'incoming',
    remote: string,
    readonly media: MediaKind[],
    private readonly link: CallLink,
    private readonly callMedia: CallMedia,
  ) {
    super();
    this.remote = remote;
    this._state = direction === 'outgoing' ? 'proposing' : 'ringing';
  }

  /** Rings `to` (a bare JID: every device of the user rings). */
  static async propose(
    link: CallLink,
    media: CallMedia,
    to: string,
    kinds: MediaKind[],
    id = randomId(),
  ): Promise<OneToOneCall> {
    const call = new OneToOneCall(id, 'outgoing', bare(to), kinds, link, media);
    await link.send(jmiMessage(bare(to), { action: 'propose', id, media: kinds }));
    return call;
  }

  /** An incoming proposal from `from` (a full JID); tells the caller we ring. */
  static async incoming(
    link: CallLink,
    media: CallMedia,
    from: string,
    propose: JmiMessage,
  ): Promise<OneToOneCall> {
    const call = new OneToOneCall(propose.id, 'incoming', from, propose.media, link, media);
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

  private setState(state: CallState): void {
    if (this._state === state || this._state === 'ended') return;
    this._state = state;
    this.emit('state', state);
  }

  /** A JMI message about this call. */
  async onMessage(from: string, m: JmiMessage): Promise<void> {
    if (this._state === 'ended') return;
    switch (m.action) {
      case 'ringing':
        if (this.direction === 'outgoing') this.setState('ringing');
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
        return this.finish(m.reason ?? { condition: 'decline' });
      case 'retract':
        return this.finish(m.reason ?? { condition: 'cancel' });
      case 'accept':
        // Another of our own devices answered: stop ringing here.
        if (
          this.direction === 'incoming' &&
          bare(from) === bare(this.link.jid()) &&
          from !== this.link.jid()
        ) {
          this.finish({ condition: 'cancel', text: 'answered on another device' });
        }
        return;
      case 'finish':
        return this.finish(m.reason ?? { condition: 'success' });
      case 'propose':
        return;
    }
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
    await this.link.send(
      jmiMessage(this.remote, { action: 'reject', id: this.id, media: [], reason }),
    );
    this.finish(reason);
  }

  /** Ends the call whatever its state: retract before it connects, session-terminate after. */
  async hangUp(): Promise<void> {
    if (this._state === 'ended') return;
    if (this.peer) {
      await this.peer.terminate({ condition: 'success' });
      await this.link
        .send(
          jmiMessage(this.remote, {
            action: 'finish',
            id: this.id,
            media: [],
            reason: { condition: 'success' },
          }),
        )
        .catch(() => {});
      this.finish({ condition: 'success' });
    } else if (this.direction === 'outgoing') {
      await this.link.send(
        jmiMessage(this.remote, {
          action: 'retract',
          id: this.id,
          media: [],
          reason: { condition: 'cancel' },
        }),
      );
      this.finish({ condition: 'cancel' });
    } else {
      await this.decline();
    }
  }

  /** A Jingle IQ for this call's sid; the result answers the IQ. */
  onJingle(from: string, payload: JinglePayload): Result<void, JingleError> {
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
    peer.on('ended', (reason) => this.finish(reason ?? { condition: 'success' }));
    peer.on('error', () => {});
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') this.setState('active');
      else if (pc.connectionState === 'failed') void this.hangUp();
    });
    return peer;
  }

  private finish(reason: JingleReason): void {
    if (this._state === 'ended') return;
    this.endReason = reason;
    this.peer?.close();
    this._state = 'ended';
    this.emit('state', 'ended');
    this.emit('ended', reason);
  }

  get reason(): JingleReason | null {
    return this.endReason;
  }
}

function randomId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
