/**
 * A conference participant in Node, for tests and benchmarks: it logs in
 * (with an account or anonymously), joins a MUC room, asks the focus for the
 * conference, answers the focus's Jingle with real libwebrtc (@roamhq/wrtc),
 * sends synthetic audio and video (optionally simulcast), and counts what it
 * receives from each other participant. It leaves cleanly or crashes on
 * request.
 */
import { client as xmppClient, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { RTCPeerConnection, MediaStream } from '@roamhq/wrtc';
import {
  JingleSession,
  NS,
  parseJingle,
  serializeJingle,
  type JinglePayload,
  type SessionInfo,
} from '../jingle';
import { TypedEmitter } from '../common/TypedEmitter';
import { TimeoutError } from '../common/errors';
import { StanzaError } from '../component/StanzaError';
import { fromJingleError, unknownSession } from '../component/jingleErrors';
import { JinglePeer } from '../client/JinglePeer';
import { iceServersFrom, NS_EXTDISCO, servicesRequest } from '../client/externalServices';
import {
  announcedSpeaker,
  conferenceRequest,
  isFocusJid,
  parseConferenceResult,
  receiveConstraints,
} from '../client/focusProtocol';
import { joinPresence, leavePresence, parseMucPresence } from '../client/mucPresence';
import {
  idleMedia,
  syntheticAudio,
  syntheticVideo,
  type AudioOptions,
  type SyntheticTrack,
  type VideoOptions,
} from './syntheticMedia';
import { pollStats, remoteTrackStats, type RemoteTrackStats } from './stats';
import { JoinTimeline } from './JoinTimeline';
import { LightPeer, type LightPeerEvents } from './LightPeer';
import { lowLatency } from '../common/noDelay';

export interface BotOptions {
  /** xmpp://host:port or ws://host:port/xmpp-websocket */
  service: string;
  /** The login domain (the guest host for anonymous bots). */
  domain: string;
  username?: string;
  password?: string;
  room: string;
  nick: string;
  /** The focus component's domain, e.g. focus.example.org. */
  focus: string;
  audio?: boolean | AudioOptions;
  video?: boolean | VideoOptions;
  /** Simulcast layers of the camera (1: none). */
  simulcast?: number;
  /**
   * A lightweight participant: real XMPP, Jingle, ICE and DTLS, with a
   * microphone and camera that send nothing, so nobody decodes anything
   * (audio and video are ignored). For measuring the focus with large rooms.
   */
  light?: boolean;
  iceServers?: RTCIceServer[];
  /**
   * Render the focus as ICE-lite in SDP (default true). Jingle cannot say it,
   * so a generic client does not know; false behaves like such a client.
   */
  knowsIceLite?: boolean;
  /** Behave as if UDP were blocked: only the focus's TCP candidates are used (ICE-TCP). */
  blockUdp?: boolean;
  /** Ask the server for STUN/TURN (XEP-0215) and use them as iceServers. */
  useExternalServices?: boolean;
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Ask for the conference right after joining (default true). */
  requestConference?: boolean;
  timeoutMs?: number;
}

export type BotEvents = {
  session: [JinglePeer | LightPeer];
  trackadded: [content: string];
  trackremoved: [content: string];
  info: [SessionInfo];
  speaker: [nick: string];
  message: [Element];
  ended: [reason: string | undefined];
};

export class ConferenceBot extends TypedEmitter<BotEvents> {
  readonly xmpp: Client;
  peer: JinglePeer | LightPeer | null = null;
  /** Every Jingle action the focus sent, in order. */
  readonly received: JinglePayload[] = [];
  /** Room occupants by nick (the focus included). */
  readonly occupants = new Map<string, Element>();
  /** When each step of the join happened (login, room join, … first decoded frame). */
  readonly timeline = new JoinTimeline();
  /** Stanzas the bot sent to the focus, for the benchmarks. */
  private readonly media: SyntheticTrack[] = [];
  private readonly localStream = new MediaStream();
  private readonly timeoutMs: number;
  private left = false;
  /** The focus's nick in the room, from its conference answer. */
  private focusNick: string | undefined;
  private online = false;
  /** The focus's full JID that started the current session. */
  private focusJid = '';
  /** The iceServers the peer connection uses (configured, or from XEP-0215). */
  iceServers: RTCIceServer[];

  private constructor(readonly options: BotOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.iceServers = options.iceServers ?? [];
    this.xmpp = lowLatency(
      xmppClient({
        service: options.service,
        domain: options.domain,
        ...(options.username ? { username: options.username, password: options.password } : {}),
      }),
    );
    this.xmpp.on('error', () => {});
    this.xmpp.iqCallee.set(NS.JINGLE, 'jingle', (ctx) => this.onJingle(ctx.stanza));
    this.xmpp.on('stanza', (stanza) => this.onStanza(stanza));
    // After a reconnection (a new XMPP session) the bot is no longer in the
    // room: it joins again, as clients rejoin their rooms, and the focus
    // re-invites it.
    this.xmpp.on('online', () => {
      if (this.online && !this.left) void this.joinRoom().catch(() => {});
      this.online = true;
    });
  }

  /** Logs in, joins the room and (by default) requests the conference. */
  static async join(options: BotOptions): Promise<ConferenceBot> {
    const bot = new ConferenceBot(options);
    try {
      await bot.xmpp.start();
      bot.timeline.mark('login');
      if (options.useExternalServices) bot.iceServers = await bot.fetchIceServers();
      await bot.joinRoom();
      bot.timeline.mark('room join');
      if (options.requestConference !== false) {
        await bot.requestConference();
        bot.timeline.mark('conference result');
      }
    } catch (error) {
      await bot.crash();
      throw error;
    }
    return bot;
  }

  get jid(): string {
    return this.xmpp.jid?.toString() ?? '';
  }

  get occupantJid(): string {
    return `${this.options.room}/${this.options.nick}`;
  }

  private async joinRoom(): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => {
      const onPresence = (stanza: Element): void => {
        const p = parseMucPresence(stanza, this.options.room);
        if (!p || p.nick !== this.options.nick) return;
        this.xmpp.off('stanza', onPresence);
        if (p.kind === 'error') reject(StanzaError.fromStanza(stanza) ?? new Error('cannot join'));
        else resolve();
      };
      this.xmpp.on('stanza', onPresence);
    });
    await this.xmpp.send(joinPresence(this.options.room, this.options.nick));
    await withTimeout(joined, this.timeoutMs, 'room join');
  }

  /** STUN/TURN services the user's server offers (XEP-0215), as iceServers. */
  async fetchIceServers(): Promise<RTCIceServer[]> {
    const reply = await this.xmpp.iqCaller.get(
      servicesRequest(),
      this.options.domain,
      this.timeoutMs,
    );
    return iceServersFrom(reply.getChild('services', NS_EXTDISCO) ?? reply);
  }

  /** Sends the conference request; rejects with the focus's error. */
  async requestConference(): Promise<Element> {
    const result = await this.xmpp.iqCaller.set(
      conferenceRequest(this.options.room),
      this.options.focus,
      this.timeoutMs,
    );
    this.focusNick = parseConferenceResult(result, 'focus').focusNick;
    return result;
  }

  private onStanza(stanza: Element): void {
    const presence = parseMucPresence(stanza, this.options.room);
    if (presence) {
      if (presence.kind === 'unavailable') this.occupants.delete(presence.nick);
      else if (presence.kind === 'available') this.occupants.set(presence.nick, stanza);
    } else if (stanza.name === 'message' && stanza.attrs.type === 'groupchat') {
      const speaker = announcedSpeaker(stanza, this.options.room, this.focusNick);
      if (speaker) this.emit('speaker', speaker);
      else if (speaker === undefined) this.emit('message', stanza);
    }
  }

  /** Jingle only from the focus, and a session's steps only from the JID that started it. */
  private async onJingle(iq: Element): Promise<Element | true> {
    const from = iq.attrs.from ?? '';
    if (!isFocusJid(from, this.options.focus))
      return new StanzaError(
        'service-unavailable',
        'this bot takes calls from the focus',
      ).toElement();
    const jingle = iq.getChild('jingle', NS.JINGLE);
    if (!jingle) return new StanzaError('bad-request').toElement();
    const parsed = parseJingle(jingle);
    if (!parsed.ok) return fromJingleError(parsed.error).toElement();
    const payload = parsed.value;
    this.received.push(payload);
    if (this.options.blockUdp) {
      for (const c of payload.contents) {
        if (c.transport)
          c.transport.candidates = c.transport.candidates.filter((x) => x.protocol === 'tcp');
      }
    }
    if (payload.action === 'session-initiate') {
      this.timeline.mark('session-initiate');
      if (this.peer && !this.peer.session.ended) this.peer.close();
      this.focusJid = from;
      this.peer = this.startPeer(payload.sid, from);
    }
    const peer = this.peer;
    if (!peer || peer.session.sid !== payload.sid || from !== this.focusJid)
      return unknownSession().toElement();
    const handled = await peer.handle(payload);
    if (!handled.ok) return fromJingleError(handled.error).toElement();
    return true;
  }

  private startPeer(sid: string, focusJid: string): JinglePeer | LightPeer {
    const o = this.options;
    const pc = new RTCPeerConnection({
      iceServers: this.iceServers,
      iceTransportPolicy: o.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
    });
    const tracks: Record<string, MediaStreamTrack | undefined> = {};
    if (!this.media.length) {
      if (o.light) this.media.push(...idleMedia());
      if (o.audio !== false && !o.light)
        this.media.push(syntheticAudio(typeof o.audio === 'object' ? o.audio : {}));
      if (o.video !== false && !o.light)
        this.media.push(syntheticVideo(typeof o.video === 'object' ? o.video : {}));
      for (const m of this.media) this.localStream.addTrack(m.track);
    }
    for (const m of this.media) tracks[m.track.kind] = m.track;
    const session = new JingleSession({
      sid,
      localRole: 'responder',
      localJid: this.jid,
      remoteIceLite: o.knowsIceLite !== false,
    });
    const send = (payload: JinglePayload): Promise<void> => this.sendJingle(focusJid, payload);
    const common = { pc, session, send, localTracks: tracks, localStream: this.localStream };
    const peer = o.light
      ? new LightPeer(common)
      : new JinglePeer({ ...common, simulcastLayers: o.simulcast ?? 1, trickle: true });
    // The two peers' event maps differ only in trackadded's second argument.
    const events = peer as TypedEmitter<LightPeerEvents>;
    events.on('accepted', () => this.timeline.mark('accept'));
    events.on('trackadded', (name) => this.emit('trackadded', name));
    events.on('trackremoved', (name) => this.emit('trackremoved', name));
    events.on('info', (info) => this.emit('info', info));
    events.on('ended', (reason) => this.emit('ended', reason?.condition));
    events.on('error', () => {});
    this.timeline.watch(pc, { media: !o.light });
    this.emit('session', peer);
    return peer;
  }

  private async sendJingle(to: string, payload: JinglePayload): Promise<void> {
    await this.xmpp.iqCaller.request(
      xml('iq', { type: 'set', to }, serializeJingle(payload)),
      this.timeoutMs,
    );
  }

  /** Per remote track: packets, bytes, decoded frames and resolution. */
  async stats(): Promise<RemoteTrackStats[]> {
    if (!this.peer) return [];
    return remoteTrackStats(this.peer.pc, this.peer.session);
  }

  /** Waits until `check` holds for the stats, polling. */
  async waitForStats(
    check: (stats: RemoteTrackStats[]) => boolean,
    what: string,
    timeoutMs = this.timeoutMs,
  ): Promise<RemoteTrackStats[]> {
    return pollStats(this.options.nick, () => this.stats(), check, what, timeoutMs);
  }

  /** Caps the simulcast layer received on a content (receive constraints). */
  async setMaxLayer(content: string, spatialLayer: number): Promise<void> {
    const sid = this.peer?.session.sid ?? '';
    await this.xmpp.iqCaller.set(
      receiveConstraints(sid, [{ content, maxSpatialLayer: spatialLayer }]),
      this.options.focus,
      this.timeoutMs,
    );
  }

  /** Sends a raw IQ-set with a Jingle payload built by a test (for hostile-input tests). */
  async sendRaw(to: string, child: Element): Promise<Element> {
    return this.xmpp.iqCaller.request(xml('iq', { type: 'set', to }, child), this.timeoutMs);
  }

  async sendMessage(body: string): Promise<void> {
    await this.xmpp.send(
      xml('message', { to: this.options.room, type: 'groupchat' }, xml('body', {}, body)),
    );
  }

  /** Leaves cleanly: session-terminate, room exit, stream close. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.peer?.terminate({ condition: 'success' });
    await this.xmpp.send(leavePresence(this.options.room, this.options.nick)).catch(() => {});
    this.stopMedia();
    await this.xmpp.stop().catch(() => {});
  }

  /** Disappears abruptly: the socket is destroyed, nothing is said. */
  async crash(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.xmpp.reconnect.stop();
    this.xmpp.socket?.destroy?.();
    this.peer?.close();
    this.stopMedia();
    await this.xmpp.stop().catch(() => {});
  }

  private stopMedia(): void {
    for (const m of this.media) m.stop();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`timed out: ${what}`)), ms);
    }),
  ]);
}
