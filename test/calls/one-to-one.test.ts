// 1:1 calls between ordinary XMPP users, as Conversations and Monal make
// them: XEP-0353 rings, Jingle RTP runs peer to peer, video is added with
// content-add, and both peers can be forced through Confab's TURN using the
// credentials Prosody hands out (XEP-0215).
import { startTestConfab, type TestConfab } from '../harness/confab';
import { CallBot } from '../../bot/CallBot';
import type { OneToOneCall } from '../../client/OneToOneCall';
import { selectedPair } from '../../bot/stats';

let world: TestConfab;
const bots: CallBot[] = [];

beforeAll(async () => {
  // The relayed peers' TURN addresses are on loopback: allow it explicitly.
  world = await startTestConfab({ 'turn.allowed-peer-ranges': '127.0.0.0/8' });
});
afterAll(async () => {
  for (const bot of bots) await bot.stop();
  await world?.stop();
});

async function user(
  name: string,
  extra: Partial<Parameters<typeof CallBot.start>[0]> = {},
): Promise<CallBot> {
  const password = `${name}-password`;
  await world.confab.prosody?.createUser(name, password);
  const bot = await CallBot.start({
    service: `xmpp://127.0.0.1:${world.confab.ports.c2s}`,
    domain: world.domain,
    username: name,
    password,
    ...extra,
  });
  bots.push(bot);
  return bot;
}

function ended(call: OneToOneCall): Promise<string> {
  return new Promise((resolve) => call.once('ended', (reason) => resolve(reason.condition)));
}

const audioFrom = (s: { kind: string; packets: number }[]): number =>
  s.filter((t) => t.kind === 'audio').reduce((n, t) => n + t.packets, 0);
const framesFrom = (s: { kind: string; framesDecoded: number }[]): number =>
  s.filter((t) => t.kind === 'video').reduce((n, t) => n + t.framesDecoded, 0);

test('an audio call rings, is accepted, carries audio both ways, upgrades to video and hangs up', async () => {
  const alice = await user('alice');
  const bob = await user('bob');
  const ringing = bob.nextIncoming();
  const outgoing = await alice.call(bob.bareJid, ['audio']);
  const incoming = await ringing;
  expect(incoming.remote).toBe(alice.jid);
  expect(incoming.media).toEqual(['audio']);
  await new Promise<void>((resolve) =>
    outgoing.state === 'ringing' ? resolve() : outgoing.once('state', () => resolve()),
  );
  expect(outgoing.state).toBe('ringing');

  await incoming.accept();
  await alice.waitForStats(outgoing, (s) => audioFrom(s) > 30, 'audio from bob');
  await bob.waitForStats(incoming, (s) => audioFrom(s) > 30, 'audio from alice');
  expect(outgoing.state).toBe('active');

  await alice.addVideo(outgoing);
  await bob.waitForStats(incoming, (s) => framesFrom(s) > 5, 'video from alice after the upgrade');

  const bobSeesEnd = ended(incoming);
  await outgoing.hangUp();
  expect(await bobSeesEnd).toBe('success');
  expect(incoming.state).toBe('ended');
});

test('a declined call ends for the caller with reason decline', async () => {
  const carol = await user('carol');
  const dave = await user('dave');
  const ringing = dave.nextIncoming();
  const outgoing = await carol.call(dave.bareJid, ['audio', 'video']);
  const callerSeesEnd = ended(outgoing);
  await (await ringing).decline();
  expect(await callerSeesEnd).toBe('decline');
});

test('a call cancelled before it is answered stops the ringing', async () => {
  const erin = await user('erin');
  const frank = await user('frank');
  const ringing = frank.nextIncoming();
  const outgoing = await erin.call(frank.bareJid, ['audio']);
  const incoming = await ringing;
  const calleeSeesEnd = ended(incoming);
  await outgoing.hangUp();
  expect(await calleeSeesEnd).toBe('cancel');
});

test('with both peers forced to relay-only, the call goes through Confab TURN with XEP-0215 credentials', async () => {
  const relay = { useExternalServices: true, iceTransportPolicy: 'relay' as const };
  const grace = await user('grace', relay);
  const heidi = await user('heidi', relay);
  expect(grace.ice.some((s) => String(s.urls).startsWith('turn:') && s.username)).toBe(true);
  const ringing = heidi.nextIncoming();
  const outgoing = await grace.call(heidi.bareJid, ['audio', 'video']);
  const incoming = await ringing;
  await incoming.accept();
  await grace.waitForStats(
    outgoing,
    (s) => audioFrom(s) > 30 && framesFrom(s) > 5,
    'media from heidi',
    30000,
  );
  await heidi.waitForStats(
    incoming,
    (s) => audioFrom(s) > 30 && framesFrom(s) > 5,
    'media from grace',
    30000,
  );

  const pc = outgoing.peerConnection;
  const pair = pc && (await selectedPair(pc));
  const types = [pair?.local.candidateType, pair?.remote.candidateType];
  expect(types).toEqual(['relay', 'relay']);
  expect(world.confab.turn?.metrics().relayedBytes).toBeGreaterThan(20000);
  await outgoing.hangUp();
});

test('a user already in a call answers busy', async () => {
  const ivan = await user('ivan');
  const judy = await user('judy');
  const mallory = await user('mallory');
  const ringing = judy.nextIncoming();
  await ivan.call(judy.bareJid, ['audio']);
  await (await ringing).accept();
  const second = await mallory.call(judy.bareJid, ['audio']);
  expect(await ended(second)).toBe('busy');
});
