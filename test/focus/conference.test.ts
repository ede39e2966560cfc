// Group calls over standard Jingle with real Prosody, real mediasoup and real
// libwebrtc participants: everyone receives everyone, late joiners and
// crashes are handled, and an empty room leaves nothing behind.
import { startTestConfab, type TestConfab } from '../harness/confab';
import type { ConferenceBot } from '../../bot/ConferenceBot';
import type { RemoteTrackStats } from '../../bot/stats';
import { waitFor } from '../harness/wait';

let world: TestConfab;

beforeAll(async () => {
  world = await startTestConfab();
});
afterAll(() => world?.stop());

/** Senders from which `stats` shows both audio packets and decoded video frames. */
function sendersWithMedia(stats: RemoteTrackStats[], minPackets = 20, minFrames = 5): Set<string> {
  const audio = new Set(
    stats.filter((s) => s.kind === 'audio' && s.packets >= minPackets).map((s) => s.owner),
  );
  return new Set(
    stats
      .filter((s) => s.kind === 'video' && s.framesDecoded >= minFrames && audio.has(s.owner))
      .map((s) => s.owner),
  );
}

async function receivesFrom(bot: ConferenceBot, count: number): Promise<Set<string>> {
  const stats = await bot.waitForStats(
    (s) => sendersWithMedia(s).size >= count,
    `media from ${count} senders`,
    30000,
  );
  return sendersWithMedia(stats);
}

test('three participants receive audio and video from both others; a late joiner, a crash and the last leave', async () => {
  const room = world.room('trio');
  const [a, b, c] = [
    await world.bot('alice', room),
    await world.bot('bob', room),
    await world.bot('carol', room),
  ];
  for (const bot of [a, b, c]) {
    // The focus names each sender by its occupant JID (ssrc-info owner).
    const others = [a, b, c].filter((x) => x !== bot).map((x) => x.occupantJid);
    expect([...(await receivesFrom(bot, 2))].sort()).toEqual(others.sort());
  }

  const counts = world.confab.focus.counts();
  expect(counts).toMatchObject({
    conferences: 1,
    participants: 3,
    producers: 6,
    consumers: 12,
    routers: 1,
    transports: 3,
  });

  // A fourth joins late: everyone gets content-add and starts receiving it.
  const d = await world.bot('dave', room);
  for (const bot of [a, b, c]) {
    await waitFor(
      `${bot.options.nick} gets content-add`,
      () => bot.received.filter((p) => p.action === 'content-add').length >= 1,
    );
  }
  for (const bot of [a, b, c, d]) expect((await receivesFrom(bot, 3)).size).toBe(3);
  expect(world.confab.focus.counts()).toMatchObject({
    participants: 4,
    producers: 8,
    consumers: 24,
  });

  // Carol vanishes without a word: the others get content-remove and the counts drop.
  await c.crash();
  for (const bot of [a, b, d]) {
    await waitFor(
      `${bot.options.nick} gets content-remove`,
      () => bot.received.some((p) => p.action === 'content-remove'),
      20000,
    );
  }
  await waitFor('counts drop', () => world.confab.focus.counts().participants === 3);
  expect(world.confab.focus.counts()).toMatchObject({
    participants: 3,
    producers: 6,
    consumers: 12,
    transports: 3,
  });

  // The others keep receiving each other.
  const before = (await a.stats()).reduce((n, s) => n + s.packets, 0);
  await new Promise((r) => setTimeout(r, 1000));
  expect((await a.stats()).reduce((n, s) => n + s.packets, 0)).toBeGreaterThan(before);

  for (const bot of [a, b, d]) await bot.leave();
  await waitFor('the room closes', () => world.confab.focus.counts().conferences === 0);
  expect(world.confab.focus.counts()).toMatchObject({
    conferences: 0,
    participants: 0,
    routers: 0,
    transports: 0,
    producers: 0,
    consumers: 0,
  });
});
