/**
 * What a person does in the web client, and what the tests read back from
 * the page: join a room, the tiles shown, and the media statistics the page
 * exposes (window.confab.stats(), from RTCPeerConnection.getStats()).
 */
import type { Page } from 'playwright-core';

export interface InboundStats {
  content: string;
  nick: string;
  kind: 'audio' | 'video';
  bytes: number;
  packets: number;
  framesDecoded?: number;
  width?: number;
  height?: number;
}

interface PageStats {
  inbound: InboundStats[];
  outbound: { content: string; kind: string; bytes: number; packets: number; layers?: number }[];
}

/** Opens the room, types the name on the pre-join screen, and joins. */
export async function openRoom(page: Page, url: string, room: string): Promise<void> {
  await page.goto(`${url}/${room}`);
  await page.waitForSelector('#display-name');
}

export async function join(page: Page, name: string): Promise<void> {
  await page.fill('#display-name', name);
  await page.click('.join-actions .btn-primary');
  await page.waitForSelector('.call[data-phase="joined"]', { timeout: 20000 });
}

export async function stats(page: Page): Promise<PageStats> {
  const result = await page.evaluate(() =>
    (globalThis as unknown as { confab: { stats(): Promise<PageStats | null> } }).confab.stats(),
  );
  return result ?? { inbound: [], outbound: [] };
}

/** Nicks on the remote camera tiles. */
export async function cameraTiles(page: Page): Promise<string[]> {
  return page.$$eval('.tile[data-kind="camera"]:not([data-self])', (tiles) =>
    tiles.map((t) => (t as HTMLElement).dataset.nick ?? ''),
  );
}

export async function poll<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await read();
  }
  return last;
}

/**
 * Waits until video from each of `nicks` is decoding on the page: a first
 * reading with frames, then a later one with more.
 */
export async function waitForDecodingVideo(
  page: Page,
  nicks: string[],
  kind: 'camera' | 'screen' = 'camera',
  timeoutMs = 25000,
): Promise<Map<string, number>> {
  const isKind = (s: InboundStats): boolean =>
    s.kind === 'video' && (kind === 'screen') === /-screen\d*$/.test(s.content);
  const frames = async (): Promise<Map<string, number>> => {
    const { inbound } = await stats(page);
    const byNick = new Map<string, number>();
    for (const s of inbound) if (isKind(s)) byNick.set(s.nick, s.framesDecoded ?? 0);
    return byNick;
  };
  const first = await poll(
    `${kind} frames from ${nicks.join(', ')}`,
    frames,
    (m) => nicks.every((n) => (m.get(n) ?? 0) > 0),
    timeoutMs,
  );
  return poll(
    `${kind} frames rising from ${nicks.join(', ')}`,
    frames,
    (m) => nicks.every((n) => (m.get(n) ?? 0) > (first.get(n) ?? 0) + 5),
    timeoutMs,
  );
}

/** What the page says about its 1:1 call (window.confab.direct()). */
export interface DirectInfo {
  state: string;
  peer: string;
  connection: string;
  remoteMuted: { audio: boolean; video: boolean };
  end: { title: string; detail: string; kind: string } | null;
}

/** Opens the home page (with `query`, e.g. `?ice=relay`) and signs in with an account. */
export async function signIn(
  page: Page,
  url: string,
  username: string,
  password: string,
  query = '',
): Promise<void> {
  await page.goto(`${url}/${query}`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('form.signin button[type="submit"]');
  await page.waitForSelector('.presence[data-state="online"]');
}

export async function direct(page: Page): Promise<DirectInfo | null> {
  return page.evaluate(() =>
    (globalThis as unknown as { confab: { direct(): DirectInfo | null } }).confab.direct(),
  );
}

/** Audio packets and decoded video frames the page received, summed over its inbound tracks. */
export async function received(page: Page): Promise<{ audio: number; frames: number }> {
  const { inbound } = await stats(page);
  return {
    audio: inbound.filter((s) => s.kind === 'audio').reduce((n, s) => n + s.packets, 0),
    frames: inbound
      .filter((s) => s.kind === 'video')
      .reduce((n, s) => n + (s.framesDecoded ?? 0), 0),
  };
}

/** Candidate types of the selected pair(s) of the page's active peer connection. */
export async function candidateTypes(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(() =>
    (
      globalThis as unknown as {
        confab: { candidateTypes(): Promise<{ local: string; remote: string }[]> };
      }
    ).confab.candidateTypes(),
  );
}
