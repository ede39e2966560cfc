// Every failure path of a conference, wired and tested with a fake SFU: a
// failing media connection, a handler that throws, a nick change, the link to
// the XMPP server dropping, and a restarted focus.
import xml, { type Element } from '@xmpp/xml';
import { jid as parseJid } from '@xmpp/jid';
import type { IncomingContext, Middleware } from '@xmpp/connection';
import { IqRouter } from '../component/IqRouter';
import { parseJingle, serializeJingle } from '../jingle';
import { configureLogging } from '../common/logger';
import type { FakeEndpoint } from '../test/harness/fakeSfu';
import {
  answer,
  closeConferences,
  flush,
  join,
  lastTo,
  mucPresence,
  setupConference as setup,
  type Sent,
} from '../test/harness/fakeConference';
import { REJOIN_GRACE_MS } from './Recovery';

afterEach(closeConferences);

const actionsTo = (sent: Sent[], jid: string): string[] =>
  sent.filter((s) => s.to === jid).map((s) => s.payload.action);

function useFakeTimers(): void {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'performance', 'queueMicrotask'] });
}
afterEach(() => jest.useRealTimers());

test('a failed media connection gets an ICE restart, then a new session, then session-terminate', async () => {
  useFakeTimers();
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  const endpoint = alice.p.endpoint as FakeEndpoint;
  endpoint.markConnected();
  (bob.p.endpoint as FakeEndpoint).markConnected();
  await flush(t.conference);

  // 1. ICE lost: the focus restarts ICE on every content.
  endpoint.fail('ice');
  await flush(t.conference);
  const restart = lastTo(t.sent, alice.jid, 'transport-info');
  expect(restart.contents.map((c) => c.name)).toEqual(expect.arrayContaining(['audio', 'video']));
  expect(restart.contents[0]?.transport?.ufrag).toBe(endpoint.iceParameters.usernameFragment);

  // 2. Still down after the wait: a new session, announced by connectivity-error.
  jest.advanceTimersByTime(9000);
  await flush(t.conference);
  expect(lastTo(t.sent, alice.jid, 'session-terminate').reason?.condition).toBe(
    'connectivity-error',
  );
  const again = lastTo(t.sent, alice.jid, 'session-initiate');
  expect(again.sid).not.toBe(alice.p.sid);
  const second = t.conference.participantBySid(again.sid);
  if (!second) throw new Error('no new session');
  expect(second.failures).toBe(1);
  await t.conference.jingle(second, answer(again, 5000));
  await flush(t.conference);

  // 3. The new session's media never comes up either: an ICE restart, then the focus gives up.
  jest.advanceTimersByTime(21000);
  await flush(t.conference);
  expect(actionsTo(t.sent, alice.jid).at(-1)).toBe('transport-info');
  jest.advanceTimersByTime(9000);
  await flush(t.conference);
  const end = lastTo(t.sent, alice.jid, 'session-terminate');
  expect(end.sid).toBe(second.sid);
  expect(end.reason).toMatchObject({
    condition: 'failed-transport',
    text: 'media connection failed',
  });
  expect(actionsTo(t.sent, alice.jid).filter((a) => a === 'session-initiate')).toHaveLength(2);
  expect([...t.conference.participants.values()]).toEqual([bob.p]);
});

test('a media connection that comes back after the ICE restart keeps its session', async () => {
  useFakeTimers();
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const endpoint = alice.p.endpoint as FakeEndpoint;
  endpoint.markConnected();
  endpoint.fail('ice');
  await flush(t.conference);
  endpoint.markConnected();
  await flush(t.conference);
  jest.advanceTimersByTime(60000);
  await flush(t.conference);
  expect(actionsTo(t.sent, alice.jid)).toEqual(['session-initiate', 'transport-info']);
  expect(alice.p.state).toBe('active');
  expect(alice.p.failures).toBe(0);
});

test('a DTLS failure skips the ICE restart', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  (alice.p.endpoint as FakeEndpoint).fail('dtls');
  await flush(t.conference);
  expect(actionsTo(t.sent, alice.jid)).toEqual([
    'session-initiate',
    'session-terminate',
    'session-initiate',
  ]);
});

test('an unexpected exception in a Jingle handler is answered internal-server-error and logged', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  (alice.p.endpoint as FakeEndpoint).restartIce = async () => {
    throw new TypeError('the SFU broke');
  };
  const handlers: Middleware[] = [];
  const router = new IqRouter({ use: (fn) => void handlers.push(fn) });
  router.set('urn:xmpp:jingle:1', 'jingle', async ({ payload }) => {
    const parsed = parseJingle(payload);
    if (!parsed.ok) throw new Error('test sent bad Jingle');
    return t.conference.jingle(alice.p, parsed.value);
  });
  const iq = xml(
    'iq',
    { type: 'set', id: 'x1', from: alice.jid, to: 'focus.example.org' },
    serializeJingle({
      action: 'transport-info',
      sid: alice.p.sid,
      groups: [],
      contents: [
        {
          name: 'audio',
          creator: 'initiator',
          transport: {
            ufrag: 'newufrag',
            pwd: 'n'.repeat(22),
            candidates: [],
            gatheringComplete: false,
            fingerprints: [],
          },
        },
      ],
    }),
  );
  const lines: string[] = [];
  configureLogging({ sink: (line) => lines.push(line) });
  let reply: Element | undefined;
  try {
    reply = (await dispatch(handlers, iq)) as Element;
  } finally {
    configureLogging({ sink: (line) => process.stderr.write(line + '\n') });
  }
  expect(reply?.attrs).toMatchObject({ type: 'error', to: alice.jid, id: 'x1' });
  expect(reply?.getChild('error')?.getChild('internal-server-error')).toBeDefined();
  expect(reply?.getChild('jingle')).toBeUndefined(); // no echo
  const logged = lines.find((l) => l.includes('IQ handler failed'));
  expect(logged).toContain(`sid=${alice.p.sid}`);
  expect(logged).toContain('action=transport-info');
  expect(logged).toContain('the SFU broke');
});

/** Runs the router's middleware on a stanza, as the connection would. */
async function dispatch(handlers: Middleware[], stanza: Element): Promise<unknown> {
  const ctx = {
    stanza,
    name: stanza.name,
    id: stanza.attrs.id ?? '',
    type: stanza.attrs.type ?? '',
    from: parseJid(stanza.attrs.from ?? ''),
    to: parseJid(stanza.attrs.to ?? ''),
  } as unknown as IncomingContext;
  const run = (i: number): Promise<unknown> =>
    Promise.resolve(handlers[i] ? handlers[i](ctx, () => run(i + 1)) : undefined);
  return run(0);
}

test('a nick change keeps the session', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  t.conference.roomStanza(
    mucPresence('alice', alice.jid, { type: 'unavailable', newNick: 'Alice B.', codes: ['303'] }),
  );
  t.conference.roomStanza(mucPresence('Alice B.', alice.jid));
  await flush(t.conference);
  expect(t.conference.participantBySid(alice.p.sid)).toBe(alice.p);
  expect(alice.p.nick).toBe('Alice B.');
  expect(alice.p.state).toBe('active');
  expect(actionsTo(t.sent, alice.jid)).not.toContain('session-terminate');
  expect(actionsTo(t.sent, bob.jid)).not.toContain('content-remove');
  expect(
    t.conference
      .snapshot()
      .map((s) => s.nick)
      .sort(),
  ).toEqual(['Alice B.', 'bob']);
});

test('after the link drops, people who come back (same JID, or a new one under their nick) are re-invited; others are let go', async () => {
  useFakeTimers();
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  const carol = await join(t, 'carol', 3000);
  (alice.p.endpoint as FakeEndpoint).markConnected();
  await flush(t.conference);

  t.conference.linkDown();
  t.conference.linkUp();
  await new Promise((r) => setImmediate(r));
  // The focus rejoins; Prosody sends the occupant list, then the focus's own presence.
  expect(t.stanzas.filter((s) => s.name === 'presence' && !s.attrs.type)).toHaveLength(2);
  t.presence('alice', alice.jid); // same JID: only the link dropped
  t.presence('bob', 'bob@guest.example.org/new'); // reconnected with a new JID
  t.focusJoined();
  await flush(t.conference);

  expect(t.conference.participantBySid(alice.p.sid)).toBe(alice.p);
  expect(actionsTo(t.sent, alice.jid).filter((a) => a === 'session-initiate')).toHaveLength(1);
  const bobAgain = lastTo(t.sent, 'bob@guest.example.org/new', 'session-initiate');
  expect(bobAgain.sid).not.toBe(bob.p.sid);
  expect(bob.p.state).toBe('ended');
  const newBob = t.conference.participantBySid(bobAgain.sid);
  if (!newBob) throw new Error('no new session for bob');
  await t.conference.jingle(newBob, answer(bobAgain, 4000));
  (newBob.endpoint as FakeEndpoint).markConnected();
  expect(actionsTo(t.sent, bob.jid)).not.toContain('session-terminate'); // that JID is gone

  // Carol does not come back in time.
  jest.advanceTimersByTime(REJOIN_GRACE_MS + 1000);
  await flush(t.conference);
  expect(carol.p.state).toBe('ended');
  expect(
    t.conference
      .snapshot()
      .map((s) => s.nick)
      .sort(),
  ).toEqual(['alice', 'bob']);
  expect(t.conference.closed).toBe(false);
});

test('a restarted focus ends the old sessions and offers new ones; a request meanwhile keeps that offer', async () => {
  const t = setup();
  t.conference.resume([
    { nick: 'alice', jid: 'alice@guest.example.org/web', sid: 'old-alice' },
    { nick: 'bob', jid: 'bob@guest.example.org/web', sid: 'old-bob' },
  ]);
  t.presence('alice', 'alice@guest.example.org/web');
  t.presence('bob', 'bob@guest.example.org/web');
  await flush(t.conference);
  for (const who of ['alice', 'bob']) {
    const jid = `${who}@guest.example.org/web`;
    const terminate = lastTo(t.sent, jid, 'session-terminate');
    expect(terminate).toMatchObject({
      sid: `old-${who}`,
      reason: { condition: 'connectivity-error' },
    });
    expect(actionsTo(t.sent, jid)).toEqual(['session-terminate', 'session-initiate']);
  }
  // Bob's client asks for the conference too (as the web client does after reconnecting).
  expect(await t.conference.request('bob@guest.example.org/web')).toBeNull();
  await flush(t.conference);
  expect(actionsTo(t.sent, 'bob@guest.example.org/web')).toEqual([
    'session-terminate',
    'session-initiate',
  ]);
  expect(t.conference.participants.size).toBe(2);
});
