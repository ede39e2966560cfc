/**
 * The page's XMPP connection over the same-origin WebSocket: an anonymous
 * login on the guest host, or a signed-in account on the user domain, with
 * the state people see (connecting, online, reconnecting, failed). xmpp.js
 * reconnects by itself after a drop; this class gives up after
 * `giveUpAfterMs` and reports `failed`, and `start()` starts over. A resumed
 * stream (XEP-0198) keeps the same JID and room presence; a new login is
 * announced with `online` so the call can rejoin. A signed-in account sends
 * available presence on each new login, so messages to its bare JID (calls,
 * invitations) reach this page.
 */
import { client as xmppClient, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { TimeoutError } from '../../../common/errors';
import { createLogger } from '../log';

const log = createLogger('xmpp');
const NS_SM = 'urn:xmpp:sm:3';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'failed' | 'closed';

export type XmppEvents = {
  state: [state: ConnectionState, detail: string | undefined];
  /** A fresh session (first login or a reconnect that could not resume). */
  online: [jid: string];
  /** The stream came back after a drop with the same session (XEP-0198 resumption). */
  resumed: [];
  stanza: [Element];
};

export interface XmppOptions {
  service: string;
  domain: string;
  /** An account on `domain`; without it, an anonymous login. */
  credentials?: { username: string; password: string };
  /** How long reconnect attempts go on before the state becomes `failed`. */
  giveUpAfterMs?: number;
  /** Per-attempt connection timeout. */
  connectTimeoutMs?: number;
}

/** The first login failed: the server is unreachable, or it refused the credentials. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly kind: 'network' | 'auth',
    message: string,
  ) {
    super(message);
  }
}

/** An `<error/>` answer to an IQ we sent, with its condition and text. */
export class XmppError extends Error {
  override readonly name = 'XmppError';
  constructor(
    readonly condition: string,
    readonly text: string,
  ) {
    super(text ? `${condition}: ${text}` : condition);
  }
}

export class XmppConnection extends TypedEmitter<XmppEvents> {
  private xmpp: Client | null = null;
  private _state: ConnectionState = 'closed';
  private _jid = '';
  private lostAt = 0;
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly iqHandlers: IqEntry[] = [];

  constructor(private readonly options: XmppOptions) {
    super();
  }

  get state(): ConnectionState {
    return this._state;
  }

  get jid(): string {
    return this._jid;
  }

  /** Connects and logs in; rejects with a readable error when the first attempt fails. */
  async start(): Promise<void> {
    this.teardown();
    const xmpp = xmppClient({
      service: this.options.service,
      domain: this.options.domain,
      ...this.options.credentials,
    });
    xmpp.timeout = this.options.connectTimeoutMs ?? 10000;
    this.xmpp = xmpp;
    for (const entry of this.iqHandlers) this.register(xmpp, entry);
    xmpp.on('error', (error) => log.warn('connection error', { error: error.message }));
    if (log.isEnabled('debug')) {
      xmpp.on('input', (data) => log.debug('in', { data }));
      xmpp.on('output', (data) => log.debug('out', { data }));
    }
    xmpp.on('stanza', (stanza) => {
      if (this.xmpp === xmpp) this.emit('stanza', stanza);
    });
    xmpp.on('online', (jid) => {
      if (this.xmpp !== xmpp) return;
      this._jid = jid.toString();
      log.info('online', { jid: this._jid });
      if (this.options.credentials) void xmpp.send(xml('presence')).catch(() => {});
      this.setState('online');
      this.emit('online', this._jid);
    });
    xmpp.on('status', (status) => {
      if (this.xmpp !== xmpp) return;
      if (status === 'disconnect' && this._state === 'online') this.connectionLost();
    });
    xmpp.on('nonza', (nonza) => {
      // A resumed stream (XEP-0198) emits no `online`: same JID, same rooms, same call.
      if (this.xmpp === xmpp && nonza.is('resumed', NS_SM) && this._state === 'reconnecting') {
        log.info('stream resumed');
        this.setState('online');
        this.emit('resumed');
      }
    });
    this.setState('connecting');
    try {
      await xmpp.start();
    } catch (error) {
      if (this.xmpp !== xmpp) return;
      const failure = loginFailure(error);
      this.teardown();
      this.setState('failed', failure.message);
      throw failure;
    }
  }

  private connectionLost(): void {
    this.lostAt = Date.now();
    log.warn('connection lost; reconnecting');
    this.setState('reconnecting');
    clearTimeout(this.giveUpTimer);
    this.giveUpTimer = setTimeout(() => {
      if (this._state !== 'reconnecting') return;
      log.warn('giving up reconnecting', { afterMs: Date.now() - this.lostAt });
      this.teardown();
      this.setState('failed', 'The connection to the server was lost.');
    }, this.options.giveUpAfterMs ?? 30000);
  }

  private setState(state: ConnectionState, detail?: string): void {
    if (state !== 'reconnecting') clearTimeout(this.giveUpTimer);
    if (this._state === state && detail === undefined) return;
    this._state = state;
    this.emit('state', state, detail);
  }

  send(stanza: Element): Promise<void> {
    if (!this.xmpp || this._state !== 'online')
      return Promise.reject(new Error('not connected to the server'));
    return this.xmpp.send(stanza);
  }

  /** Sends an IQ and resolves with the result, or rejects with an XmppError or TimeoutError. */
  async iq(type: 'get' | 'set', to: string, payload: Element, timeoutMs = 10000): Promise<Element> {
    if (!this.xmpp || this._state !== 'online') throw new Error('not connected to the server');
    try {
      return await this.xmpp.iqCaller.request(xml('iq', { type, to }, payload), timeoutMs);
    } catch (error) {
      throw asXmppError(error);
    }
  }

  /**
   * Answers incoming IQ-sets of one payload: return a payload, true (empty
   * result) or an `<error/>`; null passes the IQ on to the next handler of
   * that payload (the last one answers service-unavailable). Returns the
   * function that removes the handler.
   */
  onIqSet(ns: string, name: string, handler: IqSetHandler): () => void {
    const entry: IqEntry = { ns, name, handler };
    this.iqHandlers.push(entry);
    if (this.xmpp) this.register(this.xmpp, entry);
    return () => {
      const index = this.iqHandlers.indexOf(entry);
      if (index >= 0) this.iqHandlers.splice(index, 1);
    };
  }

  private register(xmpp: Client, entry: IqEntry): void {
    xmpp.iqCallee.set(entry.ns, entry.name, async (ctx, next) => {
      if (!this.iqHandlers.includes(entry)) return next();
      const reply = await entry.handler(ctx.element as Element, ctx.stanza.attrs.from ?? '');
      return reply ?? next();
    });
  }

  /** Disconnects for good (leaving the page or the call). Safe to call twice. */
  async stop(): Promise<void> {
    const xmpp = this.xmpp;
    this.teardown();
    this.setState('closed');
    if (xmpp) await xmpp.stop().catch(() => {});
  }

  /** Forgets the current client; its late events are ignored. */
  private teardown(): void {
    clearTimeout(this.giveUpTimer);
    const xmpp = this.xmpp;
    this.xmpp = null;
    if (xmpp) {
      xmpp.reconnect.stop();
      void xmpp.stop().catch(() => {});
    }
  }
}

export type IqSetHandler = (
  payload: Element,
  from: string,
) => Promise<Element | true | null> | Element | true | null;

interface IqEntry {
  ns: string;
  name: string;
  handler: IqSetHandler;
}

/** Why the first login failed, in words for people. */
function loginFailure(error: unknown): ConnectionError {
  const e = error as { name?: string; condition?: string; message?: string };
  if (e?.name === 'SASLError' || e?.condition === 'not-authorized') {
    return e.condition === 'not-authorized'
      ? new ConnectionError('auth', 'Wrong username or password.')
      : new ConnectionError('auth', `The server refused the sign-in (${e.condition ?? 'error'}).`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectionError('network', `Cannot connect to the chat server (${message}).`);
}

function asXmppError(error: unknown): Error {
  const e = error as { condition?: string; text?: string; name?: string; message?: string };
  if (e?.name === 'TimeoutError') return new TimeoutError('the server did not answer in time');
  if (e?.condition) return new XmppError(e.condition, e.text ?? '');
  return error instanceof Error ? error : new Error(String(error));
}
