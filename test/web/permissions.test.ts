// Refused devices in the web client: with the camera blocked the pre-join
// screen says so in words and the person joins with audio only; with both
// blocked they join to listen. Either way they receive the others' media.
import { mkdirSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import type { ConferenceBot } from '../../bot/ConferenceBot';
import { ARTIFACTS, launchBrowser, startWebConfab, type Browser, type WebConfab } from './harness';
import { join, openRoom, poll, stats, waitForDecodingVideo } from './pageActions';

jest.setTimeout(180000);

let web: WebConfab;
let bot: ConferenceBot;
const room = 'e2e-blocked';
const browsers: Browser[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await startWebConfab();
  bot = await web.bot('Carol', web.roomJid(room));
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await web?.stop();
});

async function withLogs<T>(browser: Browser, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n${await browser.logs()}`,
    );
  }
}

const outboundAudio = async (browser: Browser) =>
  (await stats(browser.page)).outbound.find((s) => s.kind === 'audio')?.packets ?? 0;

test('camera blocked: a readable message, and the call goes on with audio only', async () => {
  const browser = await launchBrowser({ deny: { origin: web.url, permissions: ['camera'] } });
  browsers.push(browser);
  const { page } = browser;
  await withLogs(browser, async () => {
    await openRoom(page, web.url, room);
    const notice = page.locator('.notice[data-problem="camera"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Camera access is blocked');
    expect(await page.locator('.join-actions .btn-primary').textContent()).toBe(
      'Join with audio only',
    );
    await page.fill('#display-name', 'Dana');
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-prejoin-camera-blocked.png') });
    await join(page, 'Dana');
    await page.waitForSelector(
      '.tile[data-self][data-kind="camera"][data-video="off"]:not([data-mic-muted])',
    );
    await waitForDecodingVideo(page, ['Carol']);
    const sent = await outboundAudio(browser);
    await poll(
      'Dana sends audio',
      () => outboundAudio(browser),
      (n) => n > sent + 50,
    );
    // The bot hears Dana: a second audio track with packets (Carol's own is not received).
    await bot.waitForStats(
      (s) => s.some((t) => t.kind === 'audio' && t.packets > 50),
      "Dana's audio at the bot",
      20000,
    );
  });
});

test('camera and microphone blocked: the person joins to listen', async () => {
  const browser = await launchBrowser({
    deny: { origin: web.url, permissions: ['camera', 'microphone'] },
  });
  browsers.push(browser);
  const { page } = browser;
  await withLogs(browser, async () => {
    await openRoom(page, web.url, room);
    await page.locator('.notice[data-problem="microphone"]').waitFor();
    expect(await page.locator('.notice[data-problem="microphone"]').textContent()).toContain(
      'Microphone access is blocked',
    );
    expect(await page.locator('.join-actions .btn-primary').textContent()).toBe('Join and listen');
    await join(page, 'Eve');
    await page.waitForSelector('.tile[data-self][data-video="off"][data-mic-muted]');
    await waitForDecodingVideo(page, ['Carol']);
    await poll(
      "Carol's audio in Eve's page",
      async () =>
        (await stats(page)).inbound.find((s) => s.kind === 'audio' && s.nick === 'Carol')
          ?.packets ?? 0,
      (n) => n > 50,
    );
  });
});
