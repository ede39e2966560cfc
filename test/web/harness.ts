/**
 * End-to-end set-up for the web client: the whole Confab (embedded Prosody,
 * focus, SFU, HTTP serving web-client/dist) on free ports with a temporary
 * data directory, Debian's headless Chromium driven by playwright-core with
 * fake devices and a fresh profile per browser, conference bots on wrtc, and
 * a plain XMPP chat user.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { client as xmppClient, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { startTestConfab, type TestConfab } from '../harness/confab';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../jingle/stacks/chromium';

const ROOT = join(__dirname, '..', '..');
export const WEB_DIST = join(ROOT, 'web-client', 'dist');
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/** Builds the bundle when `make test` has not (e.g. `npx jest test/web`). */
export function ensureWebClientBuilt(): void {
  if (existsSync(join(WEB_DIST, 'index.html'))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web-client.mjs')], {
    stdio: 'ignore',
    timeout: 60000,
  });
}

export interface WebConfab extends TestConfab {
  roomJid(name: string): string;
  /** A plain XMPP user in the room (no call), like any chat client. */
  chatUser(nick: string, room: string): Promise<ChatUser>;
}

export interface ChatUser {
  xmpp: Client;
  messages: { nick: string; body: string }[];
  say(body: string): Promise<void>;
}

/** The whole Confab serving the built web client (see test/harness/confab.ts). */
export async function startWebConfab(settings: Record<string, unknown> = {}): Promise<WebConfab> {
  ensureWebClientBuilt();
  const world = await startTestConfab(
    {
      // The old session of a dropped browser leaves the room soon (guests cannot resume).
      'prosody.session-hibernation': 10,
      'turn.min-port': 44000,
      'turn.max-port': 44999,
      ...settings,
    },
    { webClientDir: WEB_DIST },
  );
  const clients = new Set<Client>();
  return {
    ...world,
    roomJid: world.room,
    async chatUser(nick, room) {
      const xmpp = xmppClient({ service: world.service, domain: `guest.${world.domain}` });
      xmpp.on('error', () => {});
      clients.add(xmpp);
      await xmpp.start();
      const messages: { nick: string; body: string }[] = [];
      const joined = new Promise<void>((resolve) => {
        xmpp.on('stanza', (stanza: Element) => {
          const from = stanza.attrs.from ?? '';
          if (stanza.name === 'presence' && from === `${room}/${nick}`) resolve();
          const body = stanza.name === 'message' ? stanza.getChildText('body') : null;
          if (body !== null && stanza.attrs.type === 'groupchat')
            messages.push({ nick: from.slice(from.indexOf('/') + 1), body });
        });
      });
      await xmpp.send(
        xml(
          'presence',
          { to: `${room}/${nick}` },
          xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: 0 })),
        ),
      );
      await withTimeout(joined, 10000, `${nick} joining ${room}`);
      return {
        xmpp,
        messages,
        say: (body) =>
          xmpp.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, body))),
      };
    },
    async stop() {
      await Promise.all([...clients].map((c) => c.stop().catch(() => {})));
      await world.stop();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** The page's own log (window.confab.logs()), for failure messages. */
  logs(): Promise<string>;
  close(): Promise<void>;
}

type Device = 'camera' | 'microphone';

export interface BrowserOptions {
  /**
   * Permissions refused for this origin, as if the person had blocked them.
   * The browser then runs without the fake permission prompt (which grants
   * everything) and the other device is granted explicitly.
   */
  deny?: { origin: string; permissions: Device[] };
}

/** One Chromium with a fresh profile (its own storage and permissions). */
export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'confab-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: options.deny
        ? CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream')
        : CHROMIUM_ARGS,
      viewport: { width: 1280, height: 720 },
      timeout: 30000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20000);
  if (options.deny) {
    const cdp = await context.newCDPSession(page);
    for (const name of ['camera', 'microphone'] as const) {
      await cdp.send('Browser.setPermission', {
        permission: { name },
        setting: options.deny.permissions.includes(name) ? 'denied' : 'granted',
        origin: options.deny.origin,
      });
    }
  }
  return {
    context,
    page,
    logs: async () =>
      page
        .evaluate(() => (globalThis as unknown as { confab?: { logs(): string[] } }).confab?.logs())
        .then((lines) => (lines ?? []).join('\n'))
        .catch(() => '(no page log)'),
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/**
 * A TCP relay in front of Confab's HTTP port, standing for the network
 * between browser and server: `drop()` cuts every connection abruptly (no
 * WebSocket close frame, as when a network goes away) and `blocked` refuses
 * new ones, as an unreachable server would.
 */
export interface NetworkPath {
  url: string;
  blocked: boolean;
  drop(): void;
  close(): Promise<void>;
}

export async function networkPath(targetPort: number): Promise<NetworkPath> {
  const sockets = new Set<Socket>();
  const path = {
    url: '',
    blocked: false,
    drop(): void {
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        path.drop();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    if (path.blocked) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    const forget = (): void => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.pipe(upstream).pipe(client);
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  path.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return path;
}

/** Runs a test step; when it fails, the pages' own logs are added to the error. */
export async function withPageLogs<T>(
  browsers: readonly Browser[],
  name: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const logs = await Promise.all(
      browsers.map(async (b, i) => `--- browser ${i}\n${await b.logs()}`),
    );
    throw new Error(
      `${name}: ${error instanceof Error ? error.message : String(error)}\n${logs.join('\n')}`,
    );
  }
}
