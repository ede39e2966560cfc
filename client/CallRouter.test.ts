import xml, { type Element } from '@xmpp/xml';
import { jmiMessage, parseJmi, type JingleReason } from '../jingle';
import { CallRouter } from './CallRouter';
import type { CallLink, CallMedia, OneToOneCall } from './OneToOneCall';

const ME = 'me@example.org/web';

function world(options: ConstructorParameters<typeof CallRouter>[2] = {}) {
  const sent: Element[] = [];
  const link: CallLink = {
    jid: () => ME,
    send: async (stanza) => {
      sent.push(stanza);
    },
    sendJingle: async () => {},
  };
  const media = (): CallMedia => ({
    tracks: {},
    createPeerConnection: () => {
      throw new Error('no media in unit tests');
    },
  });
  const router = new CallRouter(link, media, options);
  const actions = () =>
    sent.map((s) => {
      const parsed = parseJmi(s);
      return parsed?.ok ? `${parsed.value.action} ${s.attrs.to}` : s.toString();
    });
  return { router, sent, actions };
}

const ended = (call: OneToOneCall) =>
  new Promise<JingleReason>((resolve) => call.once('ended', resolve));

function propose(id: string, from = 'bob@example.org/phone', stamp?: string): Element {
  const message = jmiMessage(ME, { action: 'propose', id, media: ['audio'] });
  message.attrs.from = from;
  if (stamp) message.cnode(xml('delay', { xmlns: 'urn:xmpp:delay', stamp }));
  return message;
}

test('a proposal that bounces ends the call as unreachable, with the server text', async () => {
  const { router, sent } = world();
  const call = await router.call('nobody@example.org', ['audio']);
  expect(sent[0]?.attrs.id).toBe(call.id);
  const end = ended(call);
  const bounce = xml(
    'message',
    { type: 'error', id: call.id, from: 'nobody@example.org' },
    xml(
      'error',
      { type: 'cancel' },
      xml('service-unavailable', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }),
    ),
  );
  expect(router.handleMessage(bounce)).toBe(true);
  expect(await end).toEqual({ condition: 'gone', text: 'service-unavailable' });
  expect(call.endedLocally).toBe(false);
});

test('an old proposal from offline storage does not ring; a recent one does', async () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  const { router, actions } = world({ now: () => now });
  const rang: string[] = [];
  router.on('incoming', (call) => rang.push(call.id));
  router.handleMessage(propose('old', undefined, '2025-01-01T11:58:00Z'));
  router.handleMessage(propose('fresh', undefined, '2025-01-01T11:59:50Z'));
  router.handleMessage(propose('live'));
  await new Promise((r) => setTimeout(r, 10));
  expect(rang).toEqual(['fresh', 'live']);
  expect(actions()).toEqual(['ringing bob@example.org/phone', 'ringing bob@example.org/phone']);
});

test('a second caller gets busy while a call is going on', async () => {
  const { router, actions } = world();
  await router.call('carol@example.org', ['audio']);
  router.handleMessage(propose('second', 'dave@example.org/laptop'));
  await new Promise((r) => setTimeout(r, 10));
  expect(actions()).toEqual([
    'propose carol@example.org',
    'ringing dave@example.org/laptop',
    'reject dave@example.org/laptop',
  ]);
  expect(router.calls.get('second')?.reason).toEqual({ condition: 'busy' });
});

test('an unanswered call is withdrawn after the ring timeout; the callee stops ringing too', async () => {
  const { router, actions } = world({ ringTimeoutMs: 30 });
  const outgoing = await router.call('erin@example.org', ['audio', 'video']);
  expect(await ended(outgoing)).toEqual({ condition: 'timeout' });
  expect(outgoing.endedLocally).toBe(true);
  expect(actions()).toEqual(['propose erin@example.org', 'retract erin@example.org']);

  const incoming = new Promise<OneToOneCall>((resolve) => router.once('incoming', resolve));
  router.handleMessage(propose('unanswered'));
  expect(await ended(await incoming)).toEqual({ condition: 'timeout' });
});

test('declining says so and records that we ended the call; a retract ends it remotely', async () => {
  const { router, actions } = world();
  const incoming = new Promise<OneToOneCall>((resolve) => router.once('incoming', resolve));
  router.handleMessage(propose('x1'));
  const call = await incoming;
  const end = ended(call);
  await call.decline();
  expect(await end).toEqual({ condition: 'decline' });
  expect(call.endedLocally).toBe(true);
  expect(actions()).toEqual(['ringing bob@example.org/phone', 'reject bob@example.org/phone']);

  const second = new Promise<OneToOneCall>((resolve) => router.once('incoming', resolve));
  router.handleMessage(propose('x2'));
  const other = await second;
  const retracted = ended(other);
  const retract = jmiMessage(ME, { action: 'retract', id: 'x2', media: [] });
  retract.attrs.from = 'bob@example.org/phone';
  router.handleMessage(retract);
  expect(await retracted).toEqual({ condition: 'cancel' });
  expect(other.endedLocally).toBe(false);
});
