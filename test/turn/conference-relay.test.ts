// XEP-0215 end to end: a client logged into Prosody asks for external
// services and gets Confab's STUN and TURN with working credentials; a
// conference participant forced to relay-only joins through that TURN and
// receives media.
import xml from '@xmpp/xml';
import { startTestConfab, type TestConfab } from '../harness/confab';
import { RawParticipant } from '../harness/rawParticipant';
import { selectedPair } from '../../bot/stats';

let world: TestConfab;
beforeAll(async () => {
  world = await startTestConfab();
});
afterAll(() => world?.stop());

test('Prosody hands out Confab STUN and TURN with REST credentials', async () => {
  const client = await RawParticipant.connect(
    `xmpp://127.0.0.1:${world.confab.ports.c2s}`,
    `guest.${world.domain}`,
  );
  try {
    const services = await client.iqCaller.get(
      xml('services', { xmlns: 'urn:xmpp:extdisco:2' }),
      `guest.${world.domain}`,
    );
    const entries = services.getChildren('service').map((s) => s.attrs);
    const port = String(world.confab.ports.turn);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'stun', host: '127.0.0.1', port, transport: 'udp' }),
        expect.objectContaining({
          type: 'turn',
          host: '127.0.0.1',
          port,
          transport: 'udp',
          username: expect.stringMatching(/^\d+$/),
        }),
      ]),
    );
    const turn = entries.find((e) => e.type === 'turn');
    const expiry = Number(turn?.username);
    expect(expiry).toBeGreaterThan(Date.now() / 1000);
    expect(turn?.password).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  } finally {
    await client.stop();
  }
});

test('a relay-only participant joins a conference through the TURN server and receives media', async () => {
  const room = world.room('relayed');
  const direct = await world.bot('direct', room);
  const relayed = await world.bot('relayed', room, {
    useExternalServices: true,
    iceTransportPolicy: 'relay',
  });
  expect(relayed.iceServers.some((s) => String(s.urls).startsWith('turn:'))).toBe(true);
  for (const bot of [relayed, direct]) {
    await bot.waitForStats(
      (s) =>
        s.some((t) => t.kind === 'video' && t.framesDecoded > 5) &&
        s.some((t) => t.kind === 'audio' && t.packets > 20),
      'media',
      30000,
    );
  }
  // The relayed participant's selected pair really goes through TURN.
  const pair = relayed.peer && (await selectedPair(relayed.peer.pc));
  const localType = pair?.local.candidateType;
  expect(localType).toBe('relay');
  const turn = world.confab.turn?.metrics();
  expect(turn?.allocationsActive).toBeGreaterThanOrEqual(1);
  expect(turn?.relayedBytes).toBeGreaterThan(10000);
});
