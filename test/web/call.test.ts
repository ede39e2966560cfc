// The web client end to end: two headless Chromiums (fake camera and
// microphone) and one wrtc bot in a room of a real Confab. Each browser must
// decode the other two people's video; the bot must receive both browsers;
// chat must reach a plain XMPP user and come back; mute, screen share and
// leave must show on the other browser. Screenshots go to test/artifacts/.
import { mkdirSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import type { ConferenceBot } from '../../bot/ConferenceBot';
import {
  ARTIFACTS,
  launchBrowser,
  startWebConfab,
  withPageLogs,
  type Browser,
  type WebConfab,
} from './harness';
import { cameraTiles, join, openRoom, poll, stats, waitForDecodingVideo } from './pageActions';

jest.setTimeout(240000);

let web: WebConfab;
const browsers: Browser[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await startWebConfab();
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await web?.stop();
});

/** Runs a step; when it fails, the pages' own logs are added to the error. */
const step = <T>(name: string, run: () => Promise<T>): Promise<T> =>
  withPageLogs(browsers, name, run);

test('two browsers and a bot: video, chat, mute, screen share, leave', async () => {
  const room = 'e2e-team';
  const roomJid = web.roomJid(room);
  const a = await launchBrowser();
  const b = await launchBrowser();
  browsers.push(a, b);

  await step('pre-join', async () => {
    await openRoom(a.page, web.url, room);
    await a.page.fill('#display-name', 'Alice');
    // The camera preview plays before joining.
    await a.page.waitForFunction(() => {
      const video = document.querySelector('.preview video') as HTMLVideoElement | null;
      return video !== null && !video.hidden && video.videoWidth > 0;
    });
    await a.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-prejoin.png') });
  });

  let bot: ConferenceBot | undefined;
  await step('join', async () => {
    await join(a.page, 'Alice');
    await openRoom(b.page, web.url, room);
    await join(b.page, 'Bob');
    bot = await web.bot('Carol', roomJid);
  });

  await step('each browser decodes the other two', async () => {
    await waitForDecodingVideo(a.page, ['Bob', 'Carol']);
    await waitForDecodingVideo(b.page, ['Alice', 'Carol']);
    expect((await cameraTiles(a.page)).sort()).toEqual(['Bob', 'Carol']);
    expect((await cameraTiles(b.page)).sort()).toEqual(['Alice', 'Carol']);
    const audioFrom = async (page: Browser['page'], nick: string) =>
      (await stats(page)).inbound.find((s) => s.kind === 'audio' && s.nick === nick)?.packets ?? 0;
    await poll(
      'audio from Bob in A',
      () => audioFrom(a.page, 'Bob'),
      (n) => n > 50,
    );
    await poll(
      'audio from Alice in B',
      () => audioFrom(b.page, 'Alice'),
      (n) => n > 50,
    );
  });

  await step('the bot receives both browsers', async () => {
    const received = await bot?.waitForStats(
      (s) => {
        const owners = new Set(
          s.filter((t) => t.kind === 'video' && t.framesDecoded > 10).map((t) => t.owner),
        );
        const audio = new Set(
          s.filter((t) => t.kind === 'audio' && t.packets > 50).map((t) => t.owner),
        );
        return owners.size === 2 && audio.size === 2;
      },
      'video and audio from both browsers',
      25000,
    );
    expect(received?.length).toBe(4);
    await b.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-call.png') });
  });

  await step('receiver-side quality: a small tile gets the low simulcast layer', async () => {
    const aliceHeight = async () =>
      (await stats(b.page)).inbound.find((s) => s.kind === 'video' && s.nick === 'Alice')?.height ??
      0;
    await poll('Alice in full size in B', aliceHeight, (h) => h > 180);
    await b.page.setViewportSize({ width: 560, height: 420 });
    await poll('Alice in the low layer in B', aliceHeight, (h) => h > 0 && h <= 180);
    await b.page.setViewportSize({ width: 1280, height: 720 });
    await poll('Alice in full size again', aliceHeight, (h) => h > 180);
  });

  await step('statistics overlay and active speaker', async () => {
    await b.page.click('[data-action="stats"]');
    const overlay = b.page.locator('.tile[data-nick="Carol"] .tile-stats');
    await poll(
      'statistics text',
      async () => (await overlay.textContent()) ?? '',
      (t) => /bitrate +\d.*\nvideo +\d+×\d+.*\nloss +[\d.]+ %\nrtt +[\d.]+ ms/.test(t),
    );
    await b.page.click('[data-action="stats"]');
    await b.page.waitForSelector('.tile[data-speaking]');
  });

  await step('chat reaches the other browser and a plain XMPP client, and back', async () => {
    const dave = await web.chatUser('Dave', roomJid);
    await a.page.click('[data-action="chat"]');
    await a.page.fill('#chat-input', 'Hello from Alice');
    await a.page.press('#chat-input', 'Enter');
    await b.page.waitForSelector('.messages li[data-nick="Alice"] >> text=Hello from Alice', {
      state: 'attached',
    });
    await poll(
      'Dave receives it',
      async () => dave.messages,
      (m) => m.some((x) => x.nick === 'Alice' && x.body === 'Hello from Alice'),
    );
    await dave.say('Hi, Dave here');
    await a.page.waitForSelector('.messages li[data-nick="Dave"] >> text=Hi, Dave here');
    await b.page.waitForSelector('.messages li[data-nick="Dave"] >> text=Hi, Dave here', {
      state: 'attached',
    });
    // A chat-only user is listed but gets no tile.
    expect((await cameraTiles(b.page)).sort()).toEqual(['Alice', 'Carol']);
    await a.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-call-chat.png') });
  });

  await step('mute in A shows in B', async () => {
    const aliceInB = '.tile[data-kind="camera"][data-nick="Alice"]';
    expect(await b.page.$(`${aliceInB}[data-mic-muted]`)).toBeNull();
    await a.page.click('[data-action="mic"]');
    await b.page.waitForSelector(`${aliceInB}[data-mic-muted]`);
    await a.page.click('[data-action="camera"]');
    await b.page.waitForSelector(`${aliceInB}[data-video="off"]`);
    await a.page.click('[data-action="mic"]');
    await a.page.click('[data-action="camera"]');
    await b.page.waitForSelector(`${aliceInB}:not([data-mic-muted])[data-video="on"]`);
    await waitForDecodingVideo(b.page, ['Alice']);
  });

  const sidOf = (page: Browser['page']) =>
    page.evaluate(() =>
      (globalThis as unknown as { confab: { sid(): string | null } }).confab.sid(),
    );
  const sessions = { a: await sidOf(a.page), b: await sidOf(b.page) };
  expect(sessions.a).toBeTruthy();

  await step('screen share from A appears in B and goes away when stopped', async () => {
    await a.page.click('[data-action="screen"]');
    await b.page.waitForSelector('.tile[data-kind="screen"][data-nick="Alice"]');
    await waitForDecodingVideo(b.page, ['Alice'], 'screen');
    await b.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-screen-share.png') });
    await a.page.click('[data-action="screen"]');
    await b.page.waitForSelector('.tile[data-kind="screen"]', { state: 'detached' });
  });

  await step(
    'screen share again, after removed tracks (the browser recycles their m-lines)',
    async () => {
      await b.page.click('[data-action="screen"]');
      await a.page.waitForSelector('.tile[data-kind="screen"][data-nick="Bob"]');
      await waitForDecodingVideo(a.page, ['Bob'], 'screen');
      await b.page.click('[data-action="screen"]');
      await a.page.waitForSelector('.tile[data-kind="screen"]', { state: 'detached' });
      await a.page.click('[data-action="screen"]');
      await b.page.waitForSelector('.tile[data-kind="screen"][data-nick="Alice"]');
      await waitForDecodingVideo(b.page, ['Alice'], 'screen');
      await a.page.click('[data-action="screen"]');
      await b.page.waitForSelector('.tile[data-kind="screen"]', { state: 'detached' });
      await waitForDecodingVideo(b.page, ['Alice', 'Carol']);
      // The same sessions all along: new shares reuse the removed m-lines (JSEP 5.2.2).
      expect({ a: await sidOf(a.page), b: await sidOf(b.page) }).toEqual(sessions);
    },
  );

  await step('leave removes A from B', async () => {
    await a.page.click('[data-action="leave"]');
    await a.page.waitForSelector('text=You left the call');
    await b.page.waitForSelector('.tile[data-nick="Alice"]', { state: 'detached' });
    expect(await cameraTiles(b.page)).toEqual(['Carol']);
  });
});
