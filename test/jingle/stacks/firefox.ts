/**
 * Debian's firefox-esr, headless, driven over WebDriver BiDi with a minimal
 * client (Node's WebSocket: run Node 20 with --experimental-websocket). Fake
 * media devices come from profile preferences. Used by scripts/capture-sdp.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPagePeers, remotePeers, type PagePeers } from './pagePeers';
import type { BrowserHost } from './chromium';

export const FIREFOX_PATH = '/usr/bin/firefox-esr';

const PREFS = [
  'user_pref("media.navigator.streams.fake", true);',
  'user_pref("media.navigator.permission.disabled", true);',
  'user_pref("browser.shell.checkDefaultBrowser", false);',
  'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
];

interface BidiReply {
  id?: number;
  type?: string;
  result?: unknown;
  error?: string;
  message?: string;
}

export async function launchFirefox(): Promise<BrowserHost> {
  if (typeof WebSocket === 'undefined')
    throw new Error('needs a global WebSocket: run node --experimental-websocket');
  const profile = mkdtempSync(join(tmpdir(), 'confab-firefox-'));
  writeFileSync(join(profile, 'user.js'), PREFS.join('\n'));
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>peers</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const firefox = spawn(
    FIREFOX_PATH,
    ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const cleanup = (): void => {
    firefox.kill();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`firefox did not start: ${output}`)), 30000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      firefox.stdout.on('data', onData);
      firefox.stderr.on('data', onData);
      firefox.on('exit', (code) =>
        reject(new Error(`firefox exited with ${String(code)}: ${output}`)),
      );
    });
    const socket = new WebSocket(`${url}/session`);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error('BiDi connection failed'));
    });
    let nextId = 0;
    const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
    socket.onmessage = (event: MessageEvent) => {
      const reply = JSON.parse(String(event.data)) as BidiReply;
      const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
      if (!waiter || reply.id === undefined) return;
      pending.delete(reply.id);
      if (reply.type === 'error')
        waiter.reject(new Error(`${String(reply.error)}: ${String(reply.message)}`));
      else waiter.resolve(reply.result);
    };
    const send = (method: string, params: object): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`BiDi ${method} timed out`));
        }, 20000);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        socket.send(JSON.stringify({ id, method, params }));
      });
    await send('session.new', { capabilities: {} });
    const tree = (await send('browsingContext.getTree', {})) as { contexts: { context: string }[] };
    const context = tree.contexts[0]?.context;
    if (!context) throw new Error('no browsing context');
    const port = (server.address() as AddressInfo).port;
    await send('browsingContext.navigate', {
      context,
      url: `http://127.0.0.1:${port}/`,
      wait: 'complete',
    });
    const evaluate = async (source: string, args: unknown[]): Promise<unknown> => {
      const result = (await send('script.callFunction', {
        functionDeclaration: source,
        arguments: [{ type: 'string', value: JSON.stringify(args) }],
        awaitPromise: true,
        target: { context },
      })) as {
        type: string;
        result?: { type: string; value?: unknown };
        exceptionDetails?: { text: string };
      };
      if (result.type === 'exception')
        throw new Error(result.exceptionDetails?.text ?? 'exception');
      const value = result.result?.value;
      return typeof value === 'string' ? (JSON.parse(value) as unknown) : undefined;
    };
    await evaluate(`(${installPagePeers.toString()})`, []);
    const call =
      <K extends keyof PagePeers>(name: K) =>
      async (...args: Parameters<PagePeers[K]>): Promise<Awaited<ReturnType<PagePeers[K]>>> =>
        (await evaluate(
          `async (json) => { const [name, args] = JSON.parse(json);
             return JSON.stringify((await globalThis.pagePeers[name](...args)) ?? null); }`,
          [name, args],
        )) as Awaited<ReturnType<PagePeers[K]>>;
    const peers = remotePeers(call);
    const version = String(await evaluate('async () => JSON.stringify(navigator.userAgent)', []));
    return {
      peers,
      version,
      evaluate: (source, arg) =>
        evaluate(
          `async (json) => JSON.stringify((await (${source})(JSON.parse(json)[0])) ?? null)`,
          [arg],
        ),
      close: async () => {
        await send('session.end', {}).catch(() => undefined);
        socket.close();
        cleanup();
      },
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}
