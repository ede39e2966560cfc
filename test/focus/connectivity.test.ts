// Connectivity: a mediasoup worker that dies does not take the process down
// (its rooms are re-created and their participants re-invited); ICE restarts;
// clients that don't know the SFU is ICE-lite; ICE-TCP when UDP is blocked.
import { startTestConfab, type TestConfab } from '../harness/confab';
import { selectedPair } from '../../bot/stats';

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

test('an ICE restart started by the focus keeps media flowing', async () => {
  const room = world.room('restart');
  const a = await world.bot('ra', room);
  const b = await world.bot('rb', room);
  const frames = async (): Promise<number> =>
    (await a.stats()).filter((t) => t.kind === 'video').reduce((n, t) => n + t.framesDecoded, 0);
  await a.waitForStats(
    (s) => s.some((t) => t.kind === 'video' && t.framesDecoded > 3),
    'video before',
  );
  const conference = world.confab.focus.conference(room);
  const participant = [...(conference?.participants.values() ?? [])].find((p) => p.nick === 'ra');
  if (!conference || !participant) throw new Error('no participant');
  const oldUfrag = participant.endpoint.iceParameters.usernameFragment;
  const oldRemote = participant.remoteUfrag;

  conference.enqueue(() => conference.restartIce(participant));

  const deadline = Date.now() + 10000;
  while (participant.remoteUfrag === oldRemote && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  expect(participant.endpoint.iceParameters.usernameFragment).not.toBe(oldUfrag);
  expect(participant.remoteUfrag).not.toBe(oldRemote);
  expect(participant.awaitingIceAnswer).toBe(false);
  const before = await frames();
  await new Promise((r) => setTimeout(r, 2000));
  expect(await frames()).toBeGreaterThan(before + 10);
  expect(a.received.filter((p) => p.action === 'transport-info')).toHaveLength(1);
  await b.leave();
});

test('a standard client that does not know the SFU is ICE-lite still connects', async () => {
  // Such a client answers the focus's offer as the controlled ICE agent; the
  // SFU's signed 487 Role Conflict makes it switch to controlling.
  const room = world.room('generic');
  const a = await world.bot('ga', room, { knowsIceLite: false });
  const b = await world.bot('gb', room, { knowsIceLite: false });
  for (const bot of [a, b]) {
    await bot.waitForStats(
      (s) => s.some((t) => t.kind === 'video' && t.framesDecoded > 3),
      'video without ice-lite in SDP',
      20000,
    );
  }
  expect(a.peer?.pc.remoteDescription?.sdp).not.toContain('a=ice-lite');
});

test('a participant whose UDP is blocked reaches the SFU over ICE-TCP', async () => {
  const room = world.room('tcp');
  const udp = await world.bot('udp', room);
  const tcp = await world.bot('tcp', room, { blockUdp: true });
  for (const bot of [udp, tcp]) {
    await bot.waitForStats(
      (s) => s.some((t) => t.kind === 'video' && t.framesDecoded > 3),
      'video',
      20000,
    );
  }
  const pair = tcp.peer && (await selectedPair(tcp.peer.pc));
  const protocol = pair?.remote.protocol;
  expect(protocol).toBe('tcp');
});
