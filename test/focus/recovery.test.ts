// A mediasoup worker that dies does not take the process down: its rooms are
// re-created and their participants re-invited, and media flows again.
import { startTestConfab, type TestConfab } from '../harness/confab';

let world: TestConfab;
beforeAll(async () => {
  world = await startTestConfab();
});
afterAll(() => world?.stop());

test('participants are re-invited after their worker dies', async () => {
  const room = world.room('phoenix');
  const a = await world.bot('a', room);
  const b = await world.bot('b', room);
  for (const bot of [a, b])
    await bot.waitForStats(
      (s) => s.some((t) => t.kind === 'video' && t.framesDecoded > 3),
      'video before',
    );
  const oldSids = [a.peer?.session.sid, b.peer?.session.sid];
  const slot = world.confab.sfu.pool.slots[0];
  if (!slot) throw new Error('no worker');
  const deadPid = slot.worker.pid;

  process.kill(deadPid, 'SIGKILL');

  for (const bot of [a, b]) {
    await bot.waitForStats(
      (s) =>
        bot.peer?.session.sid !== oldSids[[a, b].indexOf(bot)] &&
        s.some((t) => t.kind === 'video' && t.framesDecoded > 3),
      'video from a new session',
      30000,
    );
    const actions = bot.received.map((p) => p.action);
    expect(actions.filter((x) => x === 'session-initiate').length).toBe(2);
    expect(actions).toContain('session-terminate');
  }
  expect(slot.worker.pid).not.toBe(deadPid);
  expect(world.confab.focus.counts()).toMatchObject({
    conferences: 1,
    participants: 2,
    producers: 4,
    consumers: 4,
  });
});
