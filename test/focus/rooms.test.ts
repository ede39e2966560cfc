// Rooms are isolated from each other, and a room that outgrows one worker's
// consumer budget spills onto another worker and still delivers everyone.
import { startTestConfab, type TestConfab } from '../harness/confab';
import type { ConferenceBot } from '../../bot/ConferenceBot';
import { waitFor } from '../harness/wait';

const worlds: TestConfab[] = [];
afterAll(async () => {
  for (const w of worlds) await w.stop();
});

async function world(settings: Record<string, unknown> = {}): Promise<TestConfab> {
  const w = await startTestConfab(settings);
  worlds.push(w);
  return w;
}

/** Participant ids of a room's conference. */
function idsOf(w: TestConfab, room: string): Set<string> {
  return new Set(w.confab.focus.conference(room)?.participants.keys() ?? []);
}

async function receivesFromAll(bot: ConferenceBot, senders: number): Promise<Set<string>> {
  const stats = await bot.waitForStats(
    (s) =>
      new Set(s.filter((t) => t.kind === 'video' && t.framesDecoded > 3).map((t) => t.owner))
        .size >= senders,
    `video from ${senders} senders`,
    30000,
  );
  return new Set(stats.map((s) => s.owner));
}

test('two rooms at once stay isolated', async () => {
  const w = await world();
  const [x, y] = [w.room('xray'), w.room('yankee')];
  const bots = [
    await w.bot('x1', x),
    await w.bot('x2', x),
    await w.bot('y1', y),
    await w.bot('y2', y),
  ];
  // The focus invites right after answering the request: wait for both sessions.
  await waitFor('both sessions', () => idsOf(w, x).size === 2 && idsOf(w, y).size === 2);
  const [xIds, yIds] = [idsOf(w, x), idsOf(w, y)];
  expect(xIds.size).toBe(2);
  expect(yIds.size).toBe(2);
  for (const [bot, other] of [
    [bots[0], yIds],
    [bots[1], yIds],
    [bots[2], xIds],
    [bots[3], xIds],
  ] as const) {
    if (!bot) throw new Error('bot missing');
    const owners = await receivesFromAll(bot, 1);
    expect(owners.size).toBe(1);
    // Senders are named by occupant JID: the other bot of the same room.
    const partner = bots.find((b) => b !== bot && b?.options.room === bot.options.room);
    expect([...owners]).toEqual([partner?.occupantJid]);
    // Nothing announced in this session belongs to the other room.
    const named = bot.received.flatMap((p) => p.contents.map((c) => c.name.split('-')[0] ?? ''));
    expect(named.some((id) => other.has(id))).toBe(false);
  }
  expect(w.confab.focus.counts()).toMatchObject({
    conferences: 2,
    participants: 4,
    consumers: 8,
    routers: 2,
  });
});

test('a room forced across two workers by a tiny budget still delivers everyone', async () => {
  const w = await world({ 'focus.workers': 2, 'focus.consumer-budget': 1 });
  const room = w.room('spill');
  // Each joins once the previous ones exchange media, so the first worker's
  // consumers are already counted when the third participant is placed.
  const s1 = await w.bot('s1', room);
  const s2 = await w.bot('s2', room);
  await receivesFromAll(s2, 1);
  const s3 = await w.bot('s3', room);
  const bots = [s1, s2, s3];
  for (const bot of bots) expect((await receivesFromAll(bot, 2)).size).toBe(2);
  expect(w.confab.focus.counts().routers).toBe(2);
  const slots = w.confab.sfu.pool.slots;
  expect(slots.every((s) => s.routers >= 1)).toBe(true);
});
