/**
 * A throwaway XMPP world for tests: a real Prosody on free loopback ports with
 * its own temporary data directory, accounts, connected clients and the
 * component. `stop()` tears everything down; ProsodyProcess kills any Prosody
 * a crashed test left behind when the test process exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { client as xmppClient, type Client } from '@xmpp/client';
import { findFreePort } from '../../common/net';
import { ProsodyProcess } from '../../prosody/ProsodyProcess';
import { embeddedProsodySettings, type EmbeddedProsodyOptions } from '../../prosody/embedded';
import { ComponentConnection } from '../../component/ComponentConnection';
import { lowLatency } from '../../common/noDelay';

export interface TestXmppOptions {
  domain?: string;
  turn?: EmbeddedProsodyOptions['turn'];
  federation?: EmbeddedProsodyOptions['federation'];
  certificates?: string;
  caFile?: string;
  hostsFile?: string;
  listen?: string[];
  /** Fixed s2s port (remote servers without SRV records reach 5269). */
  s2sPort?: number;
}

export interface TestXmpp {
  domain: string;
  guestDomain: string;
  mucDomain: string;
  focusDomain: string;
  focusSecret: string;
  ports: { c2s: number; s2s: number; component: number; http: number };
  /** Prosody's XMPP WebSocket (RFC 7395). */
  websocketUrl: string;
  prosody: ProsodyProcess;
  /** Creates an account; the password defaults to a random one. */
  createUser(name: string, password?: string): Promise<{ jid: string; password: string }>;
  /** A logged-in, online client for an account (created if needed). */
  client(name: string): Promise<Client>;
  /** An anonymous client on the guest host. */
  guest(): Promise<Client>;
  /** The focus component connection (not started unless `start` is true). */
  component(options?: { start?: boolean; secret?: string }): Promise<ComponentConnection>;
  stop(): Promise<void>;
}

export async function startTestXmpp(options: TestXmppOptions = {}): Promise<TestXmpp> {
  const domain = options.domain ?? 'localhost';
  const dir = mkdtempSync(join(tmpdir(), 'confab-prosody-'));
  const host = options.listen?.[0] ?? '127.0.0.1';
  const ports = {
    c2s: await findFreePort(host),
    s2s: options.s2sPort ?? (await findFreePort(host)),
    component: await findFreePort(),
    http: await findFreePort(),
  };
  const focusSecret = randomBytes(16).toString('hex');
  const settings = embeddedProsodySettings({
    domain,
    dataDir: join(dir, 'data'),
    focusSecret,
    ports,
    listen: options.listen,
    turn: options.turn,
    federation: options.federation,
    certificates: options.certificates,
    caFile: options.caFile,
    hostsFile: options.hostsFile,
    smacksHibernationSeconds: 2,
    logLevel: (process.env.CONFAB_TEST_PROSODY_LOG as 'debug' | undefined) ?? 'warn',
  });
  const prosody = new ProsodyProcess(settings, dir, () => {});
  try {
    await prosody.start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const websocketUrl = `ws://127.0.0.1:${ports.http}/xmpp-websocket`;
  const passwords = new Map<string, string>();
  const clients = new Set<Client>();
  const components = new Set<ComponentConnection>();

  const createUser = async (name: string, password = randomBytes(8).toString('hex')) => {
    await prosody.createUser(name, password);
    passwords.set(name, password);
    return { jid: `${name}@${domain}`, password };
  };

  const connect = async (params: {
    username?: string;
    password?: string;
    domain: string;
  }): Promise<Client> => {
    // With certificates, c2s offers STARTTLS with a test CA that Node does not
    // trust; WebSocket on loopback needs no TLS.
    const service = options.certificates ? websocketUrl : `xmpp://${host}:${ports.c2s}`;
    const c = lowLatency(xmppClient({ service, ...params }));
    c.on('error', () => {});
    clients.add(c);
    await c.start();
    return c;
  };

  return {
    domain,
    guestDomain: settings.guestDomain ?? '',
    mucDomain: settings.mucDomain,
    focusDomain: settings.focusDomain,
    focusSecret,
    ports,
    websocketUrl,
    prosody,
    createUser,
    async client(name) {
      const password = passwords.get(name) ?? (await createUser(name)).password;
      return connect({ username: name, password, domain });
    },
    guest: () => connect({ domain: settings.guestDomain ?? domain }),
    async component(opts = {}) {
      const comp = new ComponentConnection({
        host: '127.0.0.1',
        port: ports.component,
        domain: settings.focusDomain,
        secret: opts.secret ?? focusSecret,
        identity: { category: 'conference', type: 'text', name: 'Confab focus' },
        connectTimeoutMs: 5000,
      });
      components.add(comp);
      if (opts.start) await comp.start();
      return comp;
    },
    async stop() {
      await Promise.all([...clients].map((c) => c.stop().catch(() => {})));
      await Promise.all([...components].map((c) => c.close()));
      await prosody.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
