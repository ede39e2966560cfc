/**
 * The composition root: builds and starts every part of the Confab process in
 * order (Prosody when embedded, TURN, the SFU, the focus component, HTTP) and
 * closes them in reverse. Nothing else wires modules together.
 */
import { join } from 'node:path';
import { ConfigError } from '../common/config';
import { errorMessage } from '../common/errors';
import { createLogger } from '../common/logger';
import { findFreePort, isTcpPortFree } from '../common/net';
import { ComponentConnection } from '../component/ComponentConnection';
import { Focus } from '../focus/Focus';
import { MediasoupSfu } from '../focus/sfu/MediasoupSfu';
import { ProsodyProcess } from '../prosody/ProsodyProcess';
import { embeddedProsodySettings } from '../prosody/embedded';
import type { TurnService } from '../prosody/ProsodyConfig';
import type { TurnConfig } from '../turn/config';
import { TurnServer } from '../turn/TurnServer';
import { HttpServer, sendJson, WEBSOCKET_PATH } from './HttpServer';
import { ConfabMetrics } from './metrics';
import { sessionFile } from './sessionFile';
import type { Settings } from './settings';

const log = createLogger('confab');

export interface ConfabConfig extends Settings {
  /** Directory of the built web client, if any. */
  webClientDir?: string;
}

export class Confab {
  private readonly closers: (() => Promise<void>)[] = [];
  private closed = false;
  prosody: ProsodyProcess | null = null;
  turn: TurnServer | null = null;
  component!: ComponentConnection;
  sfu!: MediasoupSfu;
  focus!: Focus;
  http!: HttpServer;
  metrics!: ConfabMetrics;
  /** Ports actually in use, after free ports were picked. */
  readonly ports = { c2s: 0, s2s: 0, component: 0, prosodyHttp: 0, http: 0, turn: 0 };

  private constructor(readonly config: ConfabConfig) {}

  static async start(config: ConfabConfig): Promise<Confab> {
    const confab = new Confab(config);
    try {
      await confab.startParts();
    } catch (error) {
      await confab.close();
      throw error;
    }
    return confab;
  }

  private async startParts(): Promise<void> {
    const { server } = this.config;
    const p = server.prosody;
    const componentSecret = p.componentSecret;
    if (!componentSecret) throw new ConfigError('prosody.component-secret', 'is required');
    this.ports.c2s = p.c2sPort;
    this.ports.s2s = p.s2sPort;
    this.ports.component = p.componentPort || (await findFreePort());
    this.ports.prosodyHttp = p.httpPort || (await findFreePort());

    if (this.config.turn.enabled) await this.startTurn();
    if (p.embedded) await this.startProsody(componentSecret);

    this.sfu = await MediasoupSfu.create(this.config.focus);
    this.closers.push(() => this.sfu.close());

    this.component = new ComponentConnection({
      host: p.componentHost,
      port: this.ports.component,
      domain: `focus.${server.domain}`,
      secret: componentSecret,
      identity: { category: 'conference', type: 'text', name: 'Confab focus' },
    });
    this.closers.push(() => this.component.close());
    this.focus = new Focus(this.component, this.sfu, {
      domain: server.domain,
      localDomains: [`guest.${server.domain}`],
      mucDomain: `conference.${server.domain}`,
      config: this.config.focus,
      store: sessionFile(join(server.dataDir, 'focus-sessions.json')),
    });
    this.metrics = new ConfabMetrics({
      focus: this.focus,
      component: this.component,
      workers: this.sfu.pool,
      prosody: this.prosody,
      turn: this.turn,
    });
    this.closers.push(() => this.focus.close());
    await this.component.start();

    await this.startHttp();
    log.info('started', { domain: server.domain, http: this.ports.http });
  }

  private async startTurn(): Promise<void> {
    const config = this.turnConfig();
    this.turn = new TurnServer(config);
    this.closers.push(() => this.turn?.close() ?? Promise.resolve());
    try {
      await this.turn.start();
    } catch (error) {
      throw new ConfigError('turn.port', `${errorMessage(error)}`);
    }
    this.ports.turn = this.turn.address?.port ?? config.port;
  }

  /**
   * TURN may always relay to Confab's own SFU, even when it listens on a
   * loopback or private address (the default denies those).
   */
  private turnConfig(): TurnConfig {
    const { turn, focus } = this.config;
    const sfu = [focus.rtc.listenIp, focus.rtc.announcedIp].filter(
      (ip): ip is string => !!ip && ip !== '0.0.0.0' && ip !== '::',
    );
    const own = sfu.map((ip) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`));
    return { ...turn, allowedPeerRanges: [...turn.allowedPeerRanges, ...own] };
  }

  /** How clients reach TURN, as Prosody announces it (XEP-0215). */
  private turnService(): TurnService | null {
    const { turn, server } = this.config;
    if (!this.turn || !turn.enabled) return null;
    const wildcard = turn.listenAddress === '0.0.0.0' || turn.listenAddress === '::';
    const host =
      turn.externalAddress ??
      (!wildcard
        ? turn.listenAddress
        : server.domain === 'localhost'
          ? '127.0.0.1'
          : server.domain);
    return { host, port: this.ports.turn, secret: turn.secrets[0] ?? '', ttl: turn.credentialTtl };
  }

  private async startProsody(componentSecret: string): Promise<void> {
    const { server } = this.config;
    const p = server.prosody;
    await ensurePortsFree([
      ['prosody.c2s-port', this.ports.c2s, p.listen],
      ...(p.federation ? [['prosody.s2s-port', this.ports.s2s, p.listen] as const] : []),
      ['prosody.component-port', this.ports.component, ['127.0.0.1']],
      ['prosody.http-port', this.ports.prosodyHttp, ['127.0.0.1']],
      ['server.http-port', server.http.port, [server.http.address]],
    ]);
    const settings = embeddedProsodySettings({
      domain: server.domain,
      dataDir: join(server.dataDir, 'prosody'),
      focusSecret: componentSecret,
      ports: {
        c2s: this.ports.c2s,
        s2s: this.ports.s2s,
        component: this.ports.component,
        http: this.ports.prosodyHttp,
      },
      listen: p.listen,
      storage: p.storage,
      allowRegistration: p.allowRegistration,
      federation: { enabled: p.federation, secureAuth: p.s2sSecureAuth },
      certificates: p.certificates,
      caFile: p.caFile,
      hostsFile: p.hostsFile,
      smacksHibernationSeconds: p.sessionHibernation,
      turn: this.turnService(),
    });
    const prosodyLog = createLogger('prosody');
    this.prosody = new ProsodyProcess(settings, server.dataDir, (line) => prosodyLog.debug(line));
    this.closers.push(() => this.prosody?.stop() ?? Promise.resolve());
    await this.prosody.start();
  }

  private async startHttp(): Promise<void> {
    const { server } = this.config;
    this.http = new HttpServer({
      address: server.http.address,
      port: server.http.port,
      prosody: { host: '127.0.0.1', port: this.ports.prosodyHttp },
      staticDir: this.config.webClientDir,
    });
    this.http.route('/health', (_req, res) => {
      const health = this.health();
      sendJson(res, health.ok ? 200 : 503, health);
    });
    // What the web client needs to know to log in and find rooms.
    this.http.route('/client-config.json', (_req, res) =>
      sendJson(res, 200, {
        domain: server.domain,
        guestDomain: `guest.${server.domain}`,
        mucDomain: `conference.${server.domain}`,
        focusDomain: `focus.${server.domain}`,
        websocketPath: WEBSOCKET_PATH,
      }),
    );
    this.http.route('/metrics', async (_req, res) => {
      const text = await this.metrics.render();
      res.writeHead(200, { 'content-type': this.metrics.contentType });
      res.end(text);
    });
    this.closers.push(() => this.http.close());
    await this.http.start();
    this.ports.http = this.http.port;
  }

  /**
   * The real state of each part: the Prosody process (when embedded) and the
   * component link, each mediasoup worker, and TURN. `failing` names the
   * parts that are down; /health answers 503 while it is not empty.
   */
  health(): Health {
    const failing: string[] = [];
    const prosody = this.prosody
      ? {
          process: this.prosody.state,
          pid: this.prosody.pid ?? null,
          restarts: this.prosody.restarts,
        }
      : { process: 'external' as const, pid: null, restarts: 0 };
    if (this.prosody && this.prosody.state !== 'running') failing.push('prosody');
    const component = this.component.online ? 'online' : 'offline';
    if (!this.component.online) failing.push('component');
    const workers = this.sfu.pool.slots.map((slot) => ({
      worker: slot.index,
      state: slot.state,
      pid: slot.state === 'running' ? slot.worker.pid : null,
      port: slot.port,
    }));
    for (const w of workers) if (w.state !== 'running') failing.push(`worker ${w.worker}`);
    const turn = !this.turn ? 'disabled' : this.turn.closed ? 'stopped' : 'running';
    if (turn === 'stopped') failing.push('turn');
    return { ok: failing.length === 0, failing, prosody, component, workers, turn };
  }

  /** What runs where, for people. */
  banner(): string {
    const { server, focus } = this.config;
    const d = server.domain;
    const http = `http://${server.http.address === '0.0.0.0' ? 'localhost' : server.http.address}:${this.ports.http}`;
    const turn = this.turnService();
    const rows: [string, string][] = [
      ['Web client', `${server.publicUrl}/<room>   e.g. ${server.publicUrl}/welcome`],
      ['Health', `${http}/health   metrics: ${http}/metrics`],
      ['XMPP domain', `${d}  (guests: guest.${d}, rooms: conference.${d}, focus: focus.${d})`],
      [
        'XMPP clients',
        `${server.prosody.listen.join(', ')} port ${this.ports.c2s}${server.prosody.allowRegistration ? ' (in-band registration open)' : ''}`,
      ],
      ['WebSocket', `${server.publicUrl.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`],
      [
        'Media (SFU)',
        `${this.sfu.pool.slots.length} mediasoup worker(s) on ${focus.rtc.announcedIp ?? focus.rtc.listenIp}, UDP+TCP ports ${this.sfu.pool.slots.map((s) => s.port).join(', ')}`,
      ],
      [
        'TURN',
        turn ? `turn:${turn.host}:${turn.port} (UDP), credentials via XEP-0215` : 'disabled',
      ],
      [
        'Prosody',
        this.prosody
          ? `embedded, pid ${this.prosody.pid}, component port ${this.ports.component}, data ${server.dataDir}`
          : `external, component port ${this.ports.component}`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    return [
      '',
      'Confab is running.',
      ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const close of this.closers.reverse()) {
      await close().catch((error: unknown) => log.warn('error while closing', { error }));
    }
  }
}

export interface Health {
  ok: boolean;
  failing: string[];
  prosody: { process: string; pid: number | null; restarts: number };
  component: 'online' | 'offline';
  workers: { worker: number; state: string; pid: number | null; port: number }[];
  turn: 'running' | 'stopped' | 'disabled';
}

async function ensurePortsFree(
  checks: (readonly [string, number, readonly string[]])[],
): Promise<void> {
  for (const [key, port, hosts] of checks) {
    for (const host of hosts) {
      const address = host === '*' ? '0.0.0.0' : host;
      if (!(await isTcpPortFree(port, address))) {
        throw new ConfigError(key, `port ${port} on ${address} is already in use`);
      }
    }
  }
}
