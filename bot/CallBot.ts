/**
 * A chat user in Node who makes and takes 1:1 calls (XEP-0353 + Jingle RTP)
 * with real libwebrtc: the other side of the web client's calls in tests.
 */
import { client as xmppClient, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { RTCPeerConnection, MediaStream } from '@roamhq/wrtc';
import { NS, parseJingle, serializeJingle, type MediaKind } from '../jingle';
import { StanzaError } from '../component/StanzaError';
import { fromJingleError, unknownSession } from '../component/jingleErrors';
import { TimeoutError } from '../common/errors';
import { CallRouter } from '../client/CallRouter';
import type { OneToOneCall } from '../client/OneToOneCall';
import { iceServersFrom, NS_EXTDISCO, servicesRequest } from '../client/externalServices';
import { syntheticAudio, syntheticVideo, type SyntheticTrack } from './syntheticMedia';
import { pollStats, remoteTrackStats, type RemoteTrackStats } from './stats';
import { lowLatency } from '../common/noDelay';

export interface CallBotOptions {
  service: string;
  domain: string;
  username: string;
  password: string;
  /** Use STUN/TURN from the server (XEP-0215). */
  useExternalServices?: boolean;
  iceTransportPolicy?: RTCIceTransportPolicy;
  timeoutMs?: number;
}

export class CallBot {
  readonly xmpp: Client;
  readonly router: CallRouter;
  private iceServers: RTCIceServer[] = [];
  private readonly media: SyntheticTrack[] = [];
  private readonly timeoutMs: number;

  private constructor(readonly options: CallBotOptions) {
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.xmpp = lowLatency(
      xmppClient({
        service: options.service,
        domain: options.domain,
        username: options.username,
        password: options.password,
      }),
    );
    this.xmpp.on('error', () => {});
    this.router = new CallRouter(
      {
        jid: () => this.jid,
        send: (stanza) => this.xmpp.send(stanza),
        sendJingle: async (to, payload) => {
          await this.xmpp.iqCaller.request(
            xml('iq', { type: 'set', to }, serializeJingle(payload)),
            this.timeoutMs,
          );
        },
      },
      (kinds) => this.callMedia(kinds),
    );
    this.xmpp.on('stanza', (stanza) => {
      if (stanza.name === 'message') this.router.handleMessage(stanza);
    });
    this.xmpp.iqCallee.set(NS.JINGLE, 'jingle', (ctx) => this.onJingle(ctx.stanza));
  }

  static async start(options: CallBotOptions): Promise<CallBot> {
    const bot = new CallBot(options);
    await bot.xmpp.start();
    // Available presence, so that messages to the bare JID reach this device.
    await bot.xmpp.send(xml('presence'));
    if (options.useExternalServices) {
      const reply = await bot.xmpp.iqCaller.get(servicesRequest(), options.domain, bot.timeoutMs);
      bot.iceServers = iceServersFrom(reply.getChild('services', NS_EXTDISCO) ?? reply);
    }
    return bot;
  }

  get jid(): string {
    return this.xmpp.jid?.toString() ?? '';
  }

  get bareJid(): string {
    return `${this.options.username}@${this.options.domain}`;
  }

  get ice(): RTCIceServer[] {
    return this.iceServers;
  }

  private async onJingle(iq: Element): Promise<Element | true> {
    const jingle = iq.getChild('jingle', NS.JINGLE);
    const parsed = jingle && parseJingle(jingle);
    if (!parsed) return new StanzaError('bad-request').toElement();
    if (!parsed.ok) return fromJingleError(parsed.error).toElement();
    const result = await this.router.handleJingle(iq.attrs.from ?? '', parsed.value);
    if (!result) return unknownSession().toElement();
    if (!result.ok) return fromJingleError(result.error).toElement();
    return true;
  }

  private callMedia(kinds: MediaKind[]) {
    const stream = new MediaStream();
    const tracks: Record<string, MediaStreamTrack | undefined> = {};
    const audio = syntheticAudio();
    this.media.push(audio);
    tracks.audio = audio.track;
    stream.addTrack(audio.track);
    if (kinds.includes('video')) {
      const video = syntheticVideo();
      this.media.push(video);
      tracks.video = video.track;
      stream.addTrack(video.track);
    }
    return {
      tracks,
      stream,
      createPeerConnection: () =>
        new RTCPeerConnection({
          iceServers: this.iceServers,
          iceTransportPolicy: this.options.iceTransportPolicy ?? 'all',
          // balanced: peers without BUNDLE (Dino) keep one transport per content.
          bundlePolicy: 'balanced',
        }),
    };
  }

  call(to: string, kinds: MediaKind[]): Promise<OneToOneCall> {
    return this.router.call(to, kinds);
  }

  /** Resolves with the next incoming call. */
  nextIncoming(timeoutMs = this.timeoutMs): Promise<OneToOneCall> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TimeoutError(`${this.bareJid}: no incoming call`)),
        timeoutMs,
      );
      this.router.once('incoming', (call) => {
        clearTimeout(timer);
        resolve(call);
      });
    });
  }

  async stats(call: OneToOneCall): Promise<RemoteTrackStats[]> {
    const pc = call.peerConnection;
    const session = call.session;
    return pc && session ? remoteTrackStats(pc, session) : [];
  }

  async waitForStats(
    call: OneToOneCall,
    check: (s: RemoteTrackStats[]) => boolean,
    what: string,
    timeoutMs = this.timeoutMs,
  ): Promise<RemoteTrackStats[]> {
    return pollStats(this.bareJid, () => this.stats(call), check, what, timeoutMs);
  }

  /** Adds a camera track to a running call (upgrade to video). */
  async addVideo(call: OneToOneCall): Promise<string> {
    const video = syntheticVideo();
    this.media.push(video);
    return call.addTrack(video.track);
  }

  async stop(): Promise<void> {
    for (const call of this.router.calls.values()) await call.hangUp().catch(() => {});
    for (const m of this.media) m.stop();
    await this.xmpp.stop().catch(() => {});
  }
}
