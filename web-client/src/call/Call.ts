/**
 * One person's call in a room: log in, join the room, ask the focus for the
 * conference, run the Jingle session, and keep it going through drops. It
 * owns the room and the peer session, and the XMPP connection of a guest (a
 * signed-in person's account connection is shared and outlives the call). It
 * tells the UI what changed through events; the UI never touches XMPP or
 * WebRTC. It also invites people to the room (XEP-0249).
 */
import type { Element } from '@xmpp/xml';
import { directInvitation } from '../../../client/mucInvitation';
import { JinglePeer } from '../../../client/JinglePeer';
import { JingleSession, parseJingle, serializeJingle, type JinglePayload } from '../../../jingle';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { errorMessage } from '../../../common/errors';
import type { ClientConfig } from '../config';
import { createLogger } from '../log';
import type { LocalMedia } from '../media/LocalMedia';
import { discoverIceServers } from '../xmpp/extdisco';
import { MucRoom, type ChatMessage, type Occupant } from '../xmpp/MucRoom';
import { XmppConnection, type XmppEvents } from '../xmpp/XmppConnection';
import {
  conferenceRequest,
  contentOwners,
  forwardedVideoCodecs,
  isFocusJid,
  parseConferenceResult,
  receiveConstraints,
  type ConferenceReady,
  type LayerConstraint,
} from '../../../client/focusProtocol';
import { StanzaError } from '../../../component/StanzaError';
import { fromJingleError, unknownSession } from '../../../component/jingleErrors';
import { Roster } from './Roster';
import { ScreenShare } from './ScreenShare';

const log = createLogger('call');
/** Re-requests of the conference after a media failure before giving up. */
const MAX_MEDIA_RETRIES = 3;
/** How long a 'disconnected' media connection may recover by itself before an ICE restart. */
const ICE_GRACE_MS = 4000;
/** How long an ICE restart may take before the session is replaced. */
const ICE_RESTART_WAIT_MS = 10000;
/** How long to wait for the focus's new session after connectivity-error, before asking. */
const NEW_SESSION_WAIT_MS = 15000;

export type CallPhase = 'connecting' | 'joining' | 'joined' | 'reconnecting' | 'failed' | 'ended';

export interface CallOptions {
  config: ClientConfig;
  /** WebSocket URL of the XMPP service. */
  service: string;
  /** The room's local name (the URL path). */
  room: string;
  nick: string;
  media: LocalMedia;
  /** The room's web address, sent in invitations. */
  webUrl: string;
  /** A signed-in account's connection to use; without it, an anonymous guest login. */
  connection?: XmppConnection;
}

export type CallEvents = {
  phase: [phase: CallPhase, detail: string | undefined];
  /** State of the media connection with the focus ('new' before a session exists). */
  media: [RTCPeerConnectionState];
  occupants: [Occupant[]];
  arrived: [Occupant];
  departed: [Occupant];
  message: [ChatMessage];
  speaker: [nick: string];
  /** Something to tell the person briefly (a toast). */
  notice: [text: string];
  /** Our own screen share started (its track) or stopped (null). */
  screen: [MediaStreamTrack | null];
};

export class Call extends TypedEmitter<CallEvents> {
  readonly roster = new Roster();
  readonly xmpp: XmppConnection;
  readonly roomJid: string;
  private muc: MucRoom | null = null;
  private peer: JinglePeer | null = null;
  private focus: ConferenceReady | null = null;
  private focusFullJid = '';
  private iceServers: RTCIceServer[] = [];
  private _phase: CallPhase = 'connecting';
  private _nick: string;
  private joinedOnce = false;
  private mediaRetries = 0;
  private lastConstraints = '';
  private readonly screenShare: ScreenShare;
  private speakerNick = '';
  private iceRestarted = false;
  private iceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Waits for the focus's new session after it ended ours with connectivity-error. */
  private sessionWait: ReturnType<typeof setTimeout> | undefined;
  /** Whether the connection is a signed-in account's, shared with the rest of the page. */
  private readonly shared: boolean;
  /** Invitations we sent, by message id, to report the ones that bounce. */
  private readonly invited = new Map<string, string>();
  private readonly detach: (() => void)[] = [];

  constructor(private readonly o: CallOptions) {
    super();
    this._nick = o.nick;
    this.roomJid = `${o.room}@${o.config.mucDomain}`;
    this.shared = o.connection !== undefined;
    this.xmpp =
      o.connection ?? new XmppConnection({ service: o.service, domain: o.config.guestDomain });
    this.detach.push(
      this.xmpp.onIqSet('urn:xmpp:jingle:1', 'jingle', (payload, from) =>
        this.onJingle(payload, from),
      ),
    );
    this.listen('online', () => void this.enterRoom());
    this.listen('state', (state, detail) => {
      if (state === 'reconnecting') this.setPhase('reconnecting', 'Connection lost. Reconnecting…');
      else if (state === 'failed' && this._phase !== 'ended') {
        this.closePeer(); // without signalling, the session cannot go on
        this.setPhase('failed', detail);
      }
    });
    this.listen('resumed', () => {
      // Same XMPP session, same room, same call: only signalling was away.
      if (this._phase === 'reconnecting' && this.peer) this.setPhase('joined');
    });
    this.listen('stanza', (stanza) => this.bounced(stanza));
    o.media.on('track', (kind, track) => void this.peer?.replaceTrack(kind, track));
    this.screenShare = new ScreenShare({
      add: async (name, track) => {
        await this.requirePeer().addTrack(track, {
          name,
          direction: 'sendonly',
          stream: new MediaStream([track]),
          codecs: forwardedVideoCodecs,
        });
      },
      remove: (name) => this.requirePeer().removeContent(name),
    });
    this.screenShare.on('changed', (track) => this.emit('screen', track));
  }

  get phase(): CallPhase {
    return this._phase;
  }

  get nick(): string {
    return this.muc?.nick || this._nick;
  }

  get focusNick(): string {
    return this.focus?.focusNick ?? 'focus';
  }

  get speaker(): string {
    return this.speakerNick;
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.peer?.pc ?? null;
  }

  /** The Jingle session id with the focus, while there is a session. */
  get sid(): string | null {
    return this.peer?.sid ?? null;
  }

  /** Occupants of the room other than the focus. */
  get people(): Occupant[] {
    return (this.muc?.list() ?? []).filter((o) => o.nick !== this.focusNick);
  }

  /** Subscribes to the connection for the call's lifetime. */
  private listen<E extends keyof XmppEvents>(
    event: E,
    listener: (...args: XmppEvents[E]) => void,
  ): void {
    this.xmpp.on(event, listener);
    this.detach.push(() => this.xmpp.off(event, listener));
  }

  async start(): Promise<void> {
    this.setPhase('connecting');
    // A signed-in account may be online already; otherwise `online` brings us in.
    if (this.shared && this.xmpp.state === 'online') await this.enterRoom();
    else await this.xmpp.start().catch(() => {}); // the state event says why
  }

  /** Starts over after `failed`. */
  async retry(): Promise<void> {
    this.closePeer();
    this.mediaRetries = 0;
    await this.start();
  }

  /** The room's web address. */
  get webUrl(): string {
    return this.o.webUrl;
  }

  /**
   * Invites `jid` to this room with a direct invitation (XEP-0249) whose
   * reason carries the room's web link. A bounce is reported as a notice.
   */
  async invite(jid: string): Promise<void> {
    const reason = `${this.nick} invites you to join the call in ${this.o.room}: ${this.o.webUrl}`;
    const message = directInvitation(jid, { room: this.roomJid, reason });
    this.invited.set(message.attrs.id ?? '', jid);
    await this.xmpp.send(message);
    log.info('invited', { jid });
  }

  private bounced(stanza: Element): void {
    if (stanza.name !== 'message' || stanza.attrs.type !== 'error') return;
    const jid = this.invited.get(stanza.attrs.id ?? '');
    if (jid === undefined) return;
    this.invited.delete(stanza.attrs.id ?? '');
    this.emit('notice', `The invitation to ${jid} could not be delivered.`);
  }

  private async enterRoom(): Promise<void> {
    this.setPhase(this.joinedOnce ? 'reconnecting' : 'joining');
    this.closePeer();
    try {
      if (!this.muc) this.muc = this.createRoom();
      const [nick, iceServers] = await Promise.all([
        this.muc.join(this.o.nick, { history: this.joinedOnce ? 0 : 50 }),
        discoverIceServers(
          this.xmpp,
          this.shared ? this.o.config.domain : this.o.config.guestDomain,
        ),
      ]);
      this._nick = nick;
      this.iceServers = iceServers;
      log.info('ICE servers', { urls: iceServers.map((s) => String(s.urls)).join(' ') || 'none' });
      this.joinedOnce = true;
      await this.requestConference();
      this.setPhase('joined');
      this.emit('occupants', this.people);
    } catch (error) {
      log.warn('cannot enter the room', { error: errorMessage(error) });
      if (this.xmpp.state === 'online') this.setPhase('failed', readable(error));
    }
  }

  private createRoom(): MucRoom {
    const muc = new MucRoom(this.xmpp, this.roomJid);
    muc.on('occupants', () => this.emit('occupants', this.people));
    muc.on('joined', (o) => o.nick !== this.focusNick && this.emit('arrived', o));
    muc.on('left', (o) => o.nick !== this.focusNick && this.emit('departed', o));
    muc.on('message', (m) => m.nick !== this.focusNick && this.emit('message', m));
    muc.on('messageError', (text) => this.emit('notice', text));
    muc.on('renamed', (from, to) => {
      if (this.speakerNick === from) this.speakerNick = to;
      this.roster.rename(from, to);
      this.emit('occupants', this.people);
    });
    muc.on('speaker', (nick) => {
      this.speakerNick = nick;
      this.emit('speaker', nick);
    });
    muc.on('lost', (reason) => {
      this.closePeer();
      this.setPhase('failed', reason);
    });
    return muc;
  }

  private async requestConference(): Promise<void> {
    const result = await this.xmpp.iq(
      'set',
      this.o.config.focusDomain,
      conferenceRequest(this.roomJid),
      15000,
    );
    this.focus = parseConferenceResult(result, 'focus');
    this.muc?.setFocusNick(this.focus.focusNick);
    log.info('conference ready', { focus: this.focus.focusJid });
  }

  /** Jingle from the focus: a new session, or a step of the current one. */
  private async onJingle(payload: Element, from: string): Promise<Element | true | null> {
    if (!isFocusJid(from, this.o.config.focusDomain)) {
      if (this.shared) return null; // a 1:1 call's, the account takes it
      return new StanzaError(
        'service-unavailable',
        'this client takes calls from the focus',
      ).toElement();
    }
    const parsed = parseJingle(payload);
    if (!parsed.ok) return fromJingleError(parsed.error).toElement();
    const jingle = parsed.value;
    if (jingle.action === 'session-initiate') {
      clearTimeout(this.sessionWait);
      this.closePeer();
      this.focusFullJid = from;
      this.peer = this.createPeer(jingle.sid);
    }
    const peer = this.peer;
    // A session's steps come from the focus JID that started it.
    if (!peer || peer.sid !== jingle.sid || from !== this.focusFullJid)
      return unknownSession().toElement();
    this.roster.setOwners(contentOwners(payload));
    if (jingle.action === 'session-info' && jingle.info) {
      const info = jingle.info;
      if ((info.type === 'mute' || info.type === 'unmute') && info.name)
        this.roster.setMuted(info.name, info.type === 'mute');
    }
    const handled = await peer.handle(jingle);
    return handled.ok ? true : fromJingleError(handled.error).toElement();
  }

  /**
   * Our session with the focus: the responder, the focus being ICE-lite; our
   * microphone and camera go on its `audio` and `video` contents (sending
   * even when off), the camera with simulcast.
   */
  private createPeer(sid: string): JinglePeer {
    const media = this.o.media;
    const peer = new JinglePeer({
      pc: new RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' }),
      session: new JingleSession({
        sid,
        localRole: 'responder',
        localJid: this.xmpp.jid,
        remoteIceLite: true,
      }),
      send: (payload) => this.sendJingle(payload),
      // Read when the focus's offer is answered: the devices' current tracks.
      localTracks: {
        get audio() {
          return media.audio;
        },
        get video() {
          return media.video;
        },
      },
      localStream: new MediaStream(),
      simulcastLayers: simulcastLayersFor(media.video),
      trickle: true,
    });
    peer.on('accepted', () => {
      if (!media.sendingAudio) void peer.setMuted('audio', true).catch(() => {});
      if (!media.sendingVideo) void peer.setMuted('video', true).catch(() => {});
    });
    peer.on('trackadded', (content, track) => this.roster.addTrack(content, track));
    peer.on('trackremoved', (content) => this.roster.removeTrack(content));
    peer.on('connection', (state) => this.mediaState(peer, state));
    peer.on('ended', (reason) => {
      if (this.peer !== peer) return;
      log.info('session ended by the focus', { reason: reason?.condition });
      this.peer = null;
      this.roster.clear();
      this.screenShare.reset();
      if (reason?.condition === 'connectivity-error') this.awaitNewSession();
      else void this.recoverMedia('The call ended.');
    });
    peer.on('error', (error) => {
      if (this.peer === peer) void this.recoverMedia(`Media error: ${error.message}`);
    });
    return peer;
  }

  /**
   * connectivity-error: the focus restarts our session (its media server or
   * the focus itself restarted, or our media failed) and a new
   * session-initiate follows. If none comes in time, we ask again.
   */
  private awaitNewSession(): void {
    this.setPhase('reconnecting', 'Reconnecting the call…');
    clearTimeout(this.sessionWait);
    this.sessionWait = setTimeout(() => {
      if (!this.peer) void this.recoverMedia('The call was not restarted.');
    }, NEW_SESSION_WAIT_MS);
  }

  private mediaState(peer: JinglePeer, state: RTCPeerConnectionState): void {
    if (this.peer !== peer) return;
    this.emit('media', state);
    clearTimeout(this.iceTimer);
    if (state === 'connected') {
      this.iceRestarted = false;
      if (this._phase === 'reconnecting') this.setPhase('joined');
    } else if (state === 'disconnected' || state === 'failed') {
      // First an ICE restart on the same session; if that does not help, a new session.
      if (!this.iceRestarted) {
        this.iceRestarted = true;
        const wait = state === 'failed' ? 0 : ICE_GRACE_MS;
        this.iceTimer = setTimeout(() => {
          // Without signalling there is nothing to restart with; the XMPP reconnection rejoins.
          if (this.peer !== peer || this.xmpp.state !== 'online') return;
          peer.restartIce().catch(() => void this.recoverMedia('The media connection was lost.'));
          this.iceTimer = setTimeout(() => {
            if (this.peer === peer && peer.pc.connectionState !== 'connected')
              void this.recoverMedia('The media connection was lost.');
          }, ICE_RESTART_WAIT_MS);
        }, wait);
      } else if (state === 'failed') {
        void this.recoverMedia('The media connection was lost.');
      }
    }
  }

  /** Asks the focus for a fresh session, a few times, then gives up visibly. */
  private async recoverMedia(why: string): Promise<void> {
    if (this._phase === 'ended' || this._phase === 'failed') return;
    if (this.xmpp.state !== 'online') return; // rejoining after the reconnection renews the session
    if (this.mediaRetries >= MAX_MEDIA_RETRIES) {
      this.closePeer();
      this.setPhase('failed', `${why} Reconnecting did not help.`);
      return;
    }
    this.mediaRetries++;
    log.warn('recovering media', { why, attempt: this.mediaRetries });
    this.setPhase('reconnecting', 'Reconnecting the call…');
    this.closePeer();
    try {
      await this.requestConference();
    } catch (error) {
      this.setPhase('failed', readable(error));
    }
  }

  private requirePeer(): JinglePeer {
    if (!this.peer) throw new Error('The call is not connected yet.');
    return this.peer;
  }

  private async sendJingle(payload: JinglePayload): Promise<void> {
    await this.xmpp.iq('set', this.focusFullJid, serializeJingle(payload), 15000);
  }

  // --- what the person does ---------------------------------------------------------------

  async setMicOn(on: boolean): Promise<void> {
    await this.o.media.setMicOn(on);
    await this.tellMuted('audio', !this.o.media.sendingAudio);
  }

  async setCameraOn(on: boolean): Promise<void> {
    await this.o.media.setCameraOn(on);
    await this.tellMuted('video', !this.o.media.sendingVideo);
  }

  /** Tells everyone (through the focus) that our microphone or camera is off or on. */
  private async tellMuted(content: 'audio' | 'video', muted: boolean): Promise<void> {
    if (this.peer?.established) await this.peer.setMuted(content, muted).catch(() => {});
  }

  get screenTrack(): MediaStreamTrack | null {
    return this.screenShare.track;
  }

  startScreenShare(): Promise<void> {
    return this.screenShare.start();
  }

  stopScreenShare(): Promise<void> {
    return this.screenShare.stop();
  }

  async say(text: string): Promise<void> {
    if (!this.muc) throw new Error('Not in the room yet.');
    await this.muc.say(text);
  }

  /** Which simulcast layer to receive for each video content (sent only when it changes). */
  setReceiveLayers(constraints: LayerConstraint[]): void {
    const peer = this.peer;
    if (!peer || constraints.length === 0) return;
    const key = `${peer.sid} ${constraints.map((c) => `${c.content}=${c.maxSpatialLayer}`).join()}`;
    if (key === this.lastConstraints) return;
    this.lastConstraints = key;
    this.xmpp
      .iq('set', this.o.config.focusDomain, receiveConstraints(peer.sid, constraints), 10000)
      .catch((error: unknown) => {
        this.lastConstraints = '';
        log.warn('receive constraints refused', { error: errorMessage(error) });
      });
  }

  /** Hangs up: ends the session, leaves the room, disconnects. */
  async leave(): Promise<void> {
    if (this._phase === 'ended') return;
    this.setPhase('ended');
    clearTimeout(this.sessionWait);
    this.screenShare.reset();
    const peer = this.peer;
    this.peer = null;
    await peer?.terminate();
    await this.muc?.leave();
    for (const detach of this.detach.splice(0)) detach();
    if (!this.shared) await this.xmpp.stop();
    this.roster.clear();
  }

  private closePeer(): void {
    clearTimeout(this.iceTimer);
    this.iceRestarted = false;
    const peer = this.peer;
    this.peer = null;
    this.screenShare.reset();
    peer?.close();
    this.roster.clear();
    this.emit('media', 'new');
  }

  private setPhase(phase: CallPhase, detail?: string): void {
    if (this._phase === 'ended' && phase !== 'ended') return;
    this._phase = phase;
    log.info('phase', { phase, detail });
    this.emit('phase', phase, detail);
  }
}

/** Simulcast when the camera resolution allows it: 3 layers from 540p, 2 from 360p. */
export function simulcastLayersFor(video: MediaStreamTrack | null): number {
  const height = video?.getSettings().height ?? 720;
  return height >= 540 ? 3 : height >= 360 ? 2 : 1;
}

function readable(error: unknown): string {
  const message = errorMessage(error);
  return message.endsWith('.') ? message : `${message}.`;
}
