/**
 * Debian's headless Chromium with fake devices, driven by playwright-core,
 * with the page peer API installed on a loopback page (getUserMedia needs a
 * secure context; http://127.0.0.1 is one).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import {
  installPagePeers,
  remotePeers,
  type PagePeerOptions,
  type PagePeers,
  type PageStats,
  type RemotePeers,
} from './pagePeers';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserHost {
  peers: RemotePeers;
  version: string;
  /** Calls a function, given as source text, in the page with one JSON argument. */
  evaluate(functionSource: string, arg: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserHost> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>peers</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 20000,
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(20000);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.evaluate(installPagePeers);
    const call =
      <K extends keyof PagePeers>(name: K) =>
      (...args: Parameters<PagePeers[K]>): Promise<Awaited<ReturnType<PagePeers[K]>>> =>
        page.evaluate(
          ([n, a]) => {
            const api = (
              globalThis as unknown as { pagePeers: Record<string, (...x: unknown[]) => unknown> }
            ).pagePeers;
            const fn = api[n as string];
            if (!fn) throw new Error(`no page function ${String(n)}`);
            return fn(...(a as unknown[]));
          },
          [name, args] as const,
        ) as Promise<Awaited<ReturnType<PagePeers[K]>>>;
    const peers = remotePeers(call);
    return {
      peers,
      version: browser.version(),
      evaluate: (source, arg) => page.evaluate(`(${source})(${JSON.stringify(arg)})`),
      close: async () => {
        await browser.close();
        server.close();
      },
    };
  } catch (e) {
    await browser.close();
    server.close();
    throw e;
  }
}

export type { PagePeerOptions, PageStats, RemotePeers };

/** A Chromium for the tests of one file: started before them, closed after them. */
export function useChromium(): () => BrowserHost {
  let host: BrowserHost | undefined;
  beforeAll(async () => {
    host = await launchChromium();
  });
  afterAll(async () => {
    await host?.close();
  });
  return () => {
    if (!host) throw new Error('Chromium is not running');
    return host;
  };
}
