/**
 * A signed-in person: one XMPP connection for their account on the user
 * domain, with available presence so that messages to the bare JID reach
 * the page. It takes and places 1:1 calls (client/CallRouter: XEP-0353 +
 * Jingle) and collects the room invitations it receives (XEP-0249 direct,
 * XEP-0045 mediated). Conferences joined while signed in share this
 * connection: the focus's Jingle goes to the conference, everyone else's to
 * the calls.
 */
import type { Element } from '@xmpp/xml';
import { CallRouter } from '../../../client/CallRouter';
import type { OneToOneCall } from '../../../client/OneToOneCall';
import { parseInvitation, type MucInvitation } from '../../../client/mucInvitation';
import { NS, parseJingle, serializeJingle, type MediaKind } from '../../../jingle';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { fromJingleError, unknownSession } from '../../../component/jingleErrors';
import { isFocusJid } from '../../../client/focusProtocol';
import type { ClientConfig } from '../config';
import { BrowserCallMedia } from '../direct/DirectCall';
import { createLogger } from '../log';
import { discoverIceServers } from '../xmpp/extdisco';
import { XmppConnection, type ConnectionState } from '../xmpp/XmppConnection';

const log = createLogger('account');
const MAX_INVITATIONS = 20;

export interface AccountOptions {
  config: ClientConfig;
  /** WebSocket URL of the XMPP service. */
  service: string;
  username: string;
  password: string;
  /** 'relay' forces 1:1 calls through TURN. */
  icePolicy?: RTCIceTransportPolicy;
}

export type AccountEvents = {
  state: [ConnectionState, string | undefined];
  /** Someone calls us. */
  incoming: [OneToOneCall];
  /** The invitations changed (one came in, or one was dismissed). */
  invitations: [MucInvitation[]];
};

export class Account extends TypedEmitter<AccountEvents> {
  readonly xmpp: XmppConnection;
  readonly router: CallRouter;
  readonly jid: string;
  private _invitations: MucInvitation[] = [];

  private constructor(private readonly o: AccountOptions) {
    super();
    this.jid = `${o.username}@${o.config.domain}`;
    this.xmpp = new XmppConnection({
      service: o.service,
      domain: o.config.domain,
      credentials: { username: o.username, password: o.password },
    });
    this.router = new CallRouter(
      {
        jid: () => this.xmpp.jid,
        send: (stanza) => this.xmpp.send(stanza),
        sendJingle: async (to, payload) => {
          await this.xmpp.iq('set', to, serializeJingle(payload), 15000);
        },
      },
      () => new BrowserCallMedia(o.icePolicy ?? 'all'),
    );
    this.router.on('incoming', (call) => {
      log.info('incoming call', { from: call.remote, media: call.media.join(' ') });
      this.emit('incoming', call);
    });
    this.xmpp.on('state', (state, detail) => this.emit('state', state, detail));
    this.xmpp.on('stanza', (stanza) => {
      if (stanza.name === 'message') this.onMessage(stanza);
    });
    this.xmpp.onIqSet(NS.JINGLE, 'jingle', (payload, from) => this.onJingle(payload, from));
  }

  /** Signs in; rejects with a readable ConnectionError (wrong password, unreachable server). */
  static async signIn(options: AccountOptions): Promise<Account> {
    const account = new Account(options);
    try {
      await account.xmpp.start();
    } catch (error) {
      await account.xmpp.stop();
      throw error;
    }
    return account;
  }

  get username(): string {
    return this.o.username;
  }

  get state(): ConnectionState {
    return this.xmpp.state;
  }

  get invitations(): readonly MucInvitation[] {
    return this._invitations;
  }

  /** STUN/TURN services from our server (XEP-0215); fresh credentials each time. */
  iceServers(): Promise<RTCIceServer[]> {
    return discoverIceServers(this.xmpp, this.o.config.domain);
  }

  call(to: string, kinds: MediaKind[], media: BrowserCallMedia): Promise<OneToOneCall> {
    return this.router.call(to, kinds, media);
  }

  get icePolicy(): RTCIceTransportPolicy {
    return this.o.icePolicy ?? 'all';
  }

  dismissInvitation(invitation: MucInvitation): void {
    this._invitations = this._invitations.filter((i) => i !== invitation);
    this.emit('invitations', this._invitations);
  }

  /** Reconnects after the connection failed. */
  reconnect(): Promise<void> {
    return this.xmpp.start();
  }

  /** Hangs up every call and disconnects. Safe to call twice. */
  async signOut(): Promise<void> {
    await Promise.all([...this.router.calls.values()].map((c) => c.hangUp().catch(() => {})));
    await this.xmpp.stop();
  }

  private onMessage(stanza: Element): void {
    if (this.router.handleMessage(stanza)) return;
    const invitation = parseInvitation(stanza);
    if (!invitation) return;
    log.info('invitation', { room: invitation.room, from: invitation.from });
    const others = this._invitations.filter((i) => i.room !== invitation.room);
    this._invitations = [invitation, ...others].slice(0, MAX_INVITATIONS);
    this.emit('invitations', this._invitations);
  }

  /** Jingle from anyone but the focus: a 1:1 call's session. */
  private async onJingle(payload: Element, from: string): Promise<Element | true | null> {
    if (isFocusJid(from, this.o.config.focusDomain)) return null; // the conference's
    const parsed = parseJingle(payload);
    if (!parsed.ok) return fromJingleError(parsed.error).toElement();
    const result = await this.router.handleJingle(from, parsed.value);
    if (!result) return unknownSession().toElement();
    return result.ok ? true : fromJingleError(result.error).toElement();
  }
}
