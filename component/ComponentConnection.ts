/**
 * The XEP-0114 connection of a Confab component to Prosody, with automatic
 * reconnection, an IQ router, disco (XEP-0030) and ping (XEP-0199). The first
 * connection fails with one clear message (refused, wrong secret, unknown
 * host); later drops reconnect on their own (every second), and `online` and
 * `offline` tell the link's state.
 *
 * The entity is assembled from xmpp.js's parts like @xmpp/component does,
 * except that IQ requests go to Confab's own router (no payload echo, a depth
 * guard in front of everything).
 */
import { Component, type ComponentEntity } from '@xmpp/component-core';
import createMiddleware from '@xmpp/middleware';
import createReconnect from '@xmpp/reconnect';
import createIqCaller from '@xmpp/iq/caller';
import type { IqCaller, Reconnect } from '@xmpp/connection';
import type { Element } from '@xmpp/xml';
import { createLogger } from '../common/logger';
import { InvalidStateError, TimeoutError } from '../common/errors';
import { TypedEmitter } from '../common/TypedEmitter';
import { Disco, type Identity } from './Disco';
import { IqRouter } from './IqRouter';
import { registerPing } from './Ping';
import { StanzaError } from './StanzaError';
import { lowLatency } from '../common/noDelay';

export interface ComponentOptions {
  /** Prosody's component port. */
  host: string;
  port: number;
  /** The component's domain, e.g. focus.example.org. */
  domain: string;
  secret: string;
  identity: Identity;
  /** Default timeout of outgoing IQ requests. */
  requestTimeoutMs?: number;
  /** How long the first connection may take. */
  connectTimeoutMs?: number;
}

export class ComponentStartError extends Error {
  override name = 'ComponentStartError';
}

type ComponentEvents = {
  online: [];
  offline: [];
  /** Every incoming message and presence (IQs go through the router). */
  stanza: [Element];
  /** A stanza came in or went out. */
  traffic: [direction: 'in' | 'out'];
  /** A request of ours was answered (or failed): its payload and how long it took. */
  replied: [{ payload: string; seconds: number }];
};

const STANZAS = new Set(['iq', 'message', 'presence']);

export class ComponentConnection extends TypedEmitter<ComponentEvents> {
  readonly entity: ComponentEntity;
  readonly reconnect: Reconnect;
  private readonly iqCaller: IqCaller;
  readonly router: IqRouter;
  readonly disco: Disco;
  private readonly log;
  private closed = false;
  /** Warnings about the link only make sense once it was up. */
  private wasOnline = false;
  private linkUp = false;

  constructor(readonly options: ComponentOptions) {
    super();
    this.log = createLogger('component', { domain: options.domain });
    const entity = lowLatency(
      new Component({
        service: `xmpp://${options.host}:${options.port}`,
        domain: options.domain,
      }),
    );
    this.entity = entity;
    this.reconnect = createReconnect({ entity });
    const middleware = createMiddleware({ entity });
    // The router's depth guard must see every stanza first.
    this.router = new IqRouter(middleware);
    this.iqCaller = createIqCaller({ entity, middleware });
    entity.on('open', (el) => {
      entity.authenticate(el.attrs.id ?? '', options.secret).catch((e: unknown) => {
        entity.emit('error', e);
      });
    });
    entity.timeout = options.requestTimeoutMs ?? 10000;
    this.disco = new Disco(this.router);
    this.disco.addIdentity(options.identity);
    registerPing(this.router, this.disco);

    this.entity.on('element', (el) => STANZAS.has(el.name) && this.emit('traffic', 'in'));
    this.entity.on('send', (el) => STANZAS.has(el.name) && this.emit('traffic', 'out'));
    this.entity.on('stanza', (stanza) => {
      if (stanza.name === 'message' || stanza.name === 'presence') this.emit('stanza', stanza);
    });
    this.entity.on('online', () => {
      this.wasOnline = true;
      this.linkUp = true;
      this.log.info('online');
      this.emit('online');
    });
    this.entity.on('status', (status) => {
      if (status !== 'disconnect' || this.closed || !this.wasOnline) return;
      if (this.linkUp) this.log.warn('disconnected from Prosody; reconnecting');
      this.linkUp = false;
      this.emit('offline');
    });
    this.entity.on('error', (error) => {
      if (!this.closed && this.wasOnline)
        this.log.warn('connection error', { error: error.message, condition: error.condition });
    });
  }

  get online(): boolean {
    return this.entity.status === 'online';
  }

  async start(): Promise<void> {
    if (this.closed) throw new InvalidStateError('component closed');
    const { host, port, domain } = this.options;
    const timeoutMs = this.options.connectTimeoutMs ?? 10000;
    let onError: (error: Error & { condition?: string; code?: string }) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      onError = (error) =>
        reject(new ComponentStartError(describeStartError(error, host, port, domain)));
      this.entity.on('error', onError);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ComponentStartError(
              `no answer from Prosody at ${host}:${port} within ${timeoutMs} ms (prosody.component-port)`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.entity.start(), failed, timedOut]);
    } catch (error) {
      this.reconnect.stop();
      await this.entity.stop().catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
      this.entity.off('error', onError);
    }
  }

  async send(stanza: Element): Promise<void> {
    if (this.closed) throw new InvalidStateError('component closed');
    await this.entity.send(stanza);
  }

  /** Sends an IQ and resolves with the result; an error reply rejects with its StanzaError. */
  async request(iq: Element, timeoutMs?: number): Promise<Element> {
    if (this.closed) throw new InvalidStateError('component closed');
    const started = performance.now();
    const payload = iq.getChildElements()[0]?.name ?? '';
    try {
      return await this.iqCaller.request(iq, timeoutMs ?? this.entity.timeout);
    } catch (error) {
      // xmpp.js rejects with its own error, holding the reply's <error/> element.
      const element = (error as { element?: Element }).element;
      if (element?.name === 'error') throw StanzaError.fromError(element);
      if ((error as Error).name === 'TimeoutError')
        throw new TimeoutError(`no reply to IQ to ${iq.attrs.to}`);
      throw error;
    } finally {
      this.emit('replied', { payload, seconds: (performance.now() - started) / 1000 });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reconnect.stop();
    // Prosody may be gone already (Ctrl-C reaches the whole process group).
    this.entity.timeout = 1000;
    await this.entity.stop().catch(() => {});
    this.removeAllListeners();
  }
}

function describeStartError(
  error: Error & { condition?: string; code?: string },
  host: string,
  port: number,
  domain: string,
): string {
  if (error.code === 'ECONNREFUSED')
    return `cannot connect to Prosody's component port ${host}:${port}: connection refused (prosody.component-port)`;
  if (error.code === 'ENOTFOUND')
    return `cannot resolve Prosody host ${host} (prosody.component-host)`;
  if (error.condition === 'not-authorized')
    return `Prosody rejected the component secret for ${domain} (prosody.component-secret)`;
  if (error.condition === 'host-unknown')
    return `Prosody has no component ${domain} configured (server.domain)`;
  if (error.condition === 'conflict') return `another component is connected as ${domain}`;
  return `component connection to ${host}:${port} failed: ${error.condition ?? error.message}`;
}
