// Connection states in the web client, with the network between browser and
// server cut by the test: a short cut shows "reconnecting" and the page logs
// in again, rejoins and gets a new session (a guest's anonymous session
// cannot be resumed), taking its nick back once the old session has left; a
// server that stays unreachable ends in "failed" with a Retry button, and
// Retry brings the call back.
import {
  launchBrowser,
  networkPath,
  startWebConfab,
  type Browser,
  type NetworkPath,
  type WebConfab,
} from './harness';
import type { ConferenceBot } from '../../bot/ConferenceBot';
import { join, openRoom, poll, waitForDecodingVideo } from './pageActions';

jest.setTimeout(180000);

let web: WebConfab;
let net: NetworkPath;
let browser: Browser;
let bot: ConferenceBot;
const room = 'e2e-reconnect';

beforeAll(async () => {
  web = await startWebConfab();
  net = await networkPath(web.confab.ports.http);
  bot = await web.bot('Carol', web.roomJid(room));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await net?.close();
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

test('a cut connection shows reconnecting and rejoins; a lost server shows failed and Retry works', async () => {
  const { page } = browser;
  await withLogs(async () => {
    await openRoom(page, net.url, room);
    await join(page, 'Frank');
    await waitForDecodingVideo(page, ['Carol']);

    net.drop();
    await page.waitForSelector('.call[data-phase="reconnecting"] .banner >> text=Reconnecting');
    await page.waitForSelector('.call[data-phase="joined"]', { timeout: 20000 });
    await waitForDecodingVideo(page, ['Carol']);
    // The old session leaves when the server gives up on it (10 s here); the nick comes back.
    await page.waitForSelector('.tile[data-self][data-nick="Frank"]', { timeout: 30000 });
    await poll(
      'one Frank at the bot',
      async () => [...bot.occupants.keys()].sort(),
      (nicks) => nicks.join() === ['Carol', 'Frank', 'focus'].join(),
    );

    net.blocked = true;
    net.drop();
    await page.waitForSelector('.call[data-phase="reconnecting"]');
    const banner = page.locator('.banner.failed');
    await banner.waitFor({ timeout: 45000 });
    expect(await banner.textContent()).toContain('The connection to the server was lost.');
    expect(await page.locator('.pill').textContent()).toBe('Disconnected');

    net.blocked = false;
    await banner.locator('button', { hasText: 'Retry' }).click();
    await page.waitForSelector('.call[data-phase="joined"]', { timeout: 20000 });
    // The old session has expired by now, so the nick is free again.
    await page.waitForSelector('.tile[data-self][data-nick="Frank"]');
    await waitForDecodingVideo(page, ['Carol']);
  });
});
