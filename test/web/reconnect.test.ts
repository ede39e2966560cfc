// Connection states in the web client: a dropped XMPP WebSocket shows
// "reconnecting" and the call carries on; a server that stays unreachable
// ends in "failed" with a Retry button, and Retry brings the call back.
// The test drops the page's WebSocket itself (an init script keeps a list).
import type { Page } from 'playwright-core';
import { launchBrowser, startWebConfab, type Browser, type WebConfab } from './harness';
import { join, openRoom, waitForDecodingVideo } from './pageActions';

jest.setTimeout(180000);

let web: WebConfab;
let browser: Browser;
const room = 'e2e-reconnect';

/** Runs in the page before its scripts: remembers WebSockets, and can refuse new ones. */
function instrumentWebSockets(): void {
  const Native = WebSocket;
  const state = { sockets: [] as WebSocket[], blocked: false };
  (globalThis as unknown as { wsControl: typeof state }).wsControl = state;
  class Tracked extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      // A blocked server: connect where nothing listens, so the attempt fails.
      super(state.blocked ? 'ws://127.0.0.1:9/unreachable' : url, protocols);
      state.sockets.push(this);
    }
  }
  (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = Tracked;
}

async function dropConnection(page: Page, block: boolean): Promise<void> {
  await page.evaluate((b) => {
    const control = (
      globalThis as unknown as { wsControl: { sockets: WebSocket[]; blocked: boolean } }
    ).wsControl;
    control.blocked = b;
    for (const socket of control.sockets.splice(0)) socket.close();
  }, block);
}

beforeAll(async () => {
  web = await startWebConfab();
  await web.bot('Carol', web.roomJid(room));
  browser = await launchBrowser();
  await browser.context.addInitScript(instrumentWebSockets);
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

async function withLogs<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n${await browser.logs()}`,
    );
  }
}

test('a dropped connection shows reconnecting and recovers; a lost server shows failed and Retry works', async () => {
  const { page } = browser;
  await withLogs(async () => {
    await openRoom(page, web.url, room);
    await join(page, 'Frank');
    await waitForDecodingVideo(page, ['Carol']);

    await dropConnection(page, false);
    await page.waitForSelector('.call[data-phase="reconnecting"] .banner >> text=Reconnecting');
    await page.waitForSelector('.call[data-phase="joined"]', { timeout: 20000 });
    await waitForDecodingVideo(page, ['Carol']);

    await dropConnection(page, true);
    await page.waitForSelector('.call[data-phase="reconnecting"]');
    const banner = page.locator('.banner.failed');
    await banner.waitFor({ timeout: 45000 });
    expect(await banner.textContent()).toContain('The connection to the server was lost.');
    expect(await page.locator('.pill').textContent()).toBe('Disconnected');

    await page.evaluate(() => {
      (globalThis as unknown as { wsControl: { blocked: boolean } }).wsControl.blocked = false;
    });
    await banner.locator('button', { hasText: 'Retry' }).click();
    await page.waitForSelector('.call[data-phase="joined"]', { timeout: 20000 });
    await waitForDecodingVideo(page, ['Carol']);
  });
});
