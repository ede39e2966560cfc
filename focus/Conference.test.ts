// The conference state machine with a fake SFU and a recording XMPP link:
// who gets which Jingle action when people join, accept, mute, fail and leave.
import xml from '@xmpp/xml';
import type { JinglePayload } from '../jingle';
import { StanzaError } from '../component/StanzaError';
import { DONE } from '../component/IqRouter';
import { ConfigReader } from '../common/config';
import type { FakeEndpoint } from '../test/harness/fakeSfu';
import {
  answer,
  closeConferences,
  flush,
  FOCUS,
  join,
  lastTo,
  setupConference as setup,
} from '../test/harness/fakeConference';
import { Conference } from './Conference';
import { MucRoom } from './MucRoom';
import { Signaling } from './Signaling';
import { readFocusConfig } from './config';

afterEach(closeConferences);

test("a second participant is offered the first one's tracks, and the first gets content-add", async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);

  const bobInitiate = lastTo(t.sent, bob.jid, 'session-initiate');
  expect(bobInitiate.initiator).toBe(FOCUS);
  expect(bobInitiate.contents.map((c) => c.name)).toEqual([
    'audio',
    'video',
    `${alice.p.id}-audio`,
    `${alice.p.id}-video`,
  ]);
  expect(bobInitiate.groups).toEqual([
    { semantics: 'BUNDLE', contents: bobInitiate.contents.map((c) => c.name) },
  ]);
  const received = bobInitiate.contents[3];
  expect(received?.senders).toBe('initiator');
  expect(received?.description?.ssrcGroups[0]?.semantics).toBe('FID');

  const add = lastTo(t.sent, alice.jid, 'content-add');
  expect(add.contents.map((c) => c.name)).toEqual([`${bob.p.id}-audio`, `${bob.p.id}-video`]);
  expect(t.conference.counts()).toEqual({ participants: 2, producers: 4, consumers: 4 });
});

test('consumers resume only once the receiver is connected and has accepted the content', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  await join(t, 'bob', 2000);
  const aliceEndpoint = alice.p.endpoint as FakeEndpoint;
  expect(aliceEndpoint.consumers.every((c) => c.paused)).toBe(true);

  aliceEndpoint.markConnected();
  await flush(t.conference);
  // Connected, but bob's tracks came by content-add and are not accepted yet.
  expect(aliceEndpoint.consumers.every((c) => c.paused)).toBe(true);

  const add = lastTo(t.sent, alice.jid, 'content-add');
  expect(await t.conference.jingle(alice.p, answer(add, 3000, 'content-accept'))).toBe(DONE);
  expect(aliceEndpoint.consumers.every((c) => !c.paused && c.keyFrames > 0)).toBe(true);
});

test("a newcomer's session-initiate tracks start unpaused; one it leaves out of its answer pauses", async () => {
  const t = setup();
  await join(t, 'alice', 1000);
  const bobJid = 'bob@guest.example.org/web';
  t.presence('bob', bobJid);
  expect(await t.conference.request(bobJid)).toBeNull();
  await flush(t.conference);
  const initiate = lastTo(t.sent, bobJid, 'session-initiate');
  const bob = t.conference.participantBySid(initiate.sid);
  if (!bob) throw new Error('no participant');
  const bobEndpoint = bob.endpoint as FakeEndpoint;
  // Running from the start: media flows (with a key frame) once DTLS connects,
  // without waiting for the fan-out of bob's session-accept.
  expect(bobEndpoint.consumers.map((c) => c.paused)).toEqual([false, false]);

  const accept = answer(initiate, 2000);
  accept.contents = accept.contents.filter((c) => !c.name.endsWith('-video'));
  expect(await t.conference.jingle(bob, accept)).toBe(DONE);
  expect(bobEndpoint.consumers.map((c) => c.paused)).toEqual([false, true]);
});

test('a leaving occupant is removed from the others with content-remove; the empty room closes', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  t.presence('bob', bob.jid, 'unavailable');
  await flush(t.conference);
  const remove = lastTo(t.sent, alice.jid, 'content-remove');
  expect(remove.contents.map((c) => c.name).sort()).toEqual([
    `${bob.p.id}-audio`,
    `${bob.p.id}-video`,
  ]);
  expect(t.conference.counts()).toEqual({ participants: 1, producers: 2, consumers: 0 });

  t.presence('alice', alice.jid, 'unavailable');
  await flush(t.conference);
  expect(t.isClosed()).toBe(true);
  expect(t.sfu.counts()).toEqual({
    workers: 1,
    routers: 0,
    transports: 0,
    producers: 0,
    consumers: 0,
    mixers: 0,
    switches: 0,
  });
  expect(t.stanzas.some((s) => s.name === 'presence' && s.attrs.type === 'unavailable')).toBe(true);
});

test('a second session-accept is out of order', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const again = answer(lastTo(t.sent, alice.jid, 'session-initiate'), 1000);
  const result = await t.conference.jingle(alice.p, again);
  expect(result).toBeInstanceOf(StanzaError);
  expect(result).toMatchObject({ condition: 'unexpected-request', app: { name: 'out-of-order' } });
});

test('mute is relayed to receivers under their own content name, and told to late joiners', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  const mute: JinglePayload = {
    action: 'session-info',
    sid: alice.p.sid,
    contents: [],
    groups: [],
    info: { type: 'mute', creator: 'responder', name: 'audio' },
  };
  expect(await t.conference.jingle(alice.p, mute)).toBe(DONE);
  expect(lastTo(t.sent, bob.jid, 'session-info').info).toEqual({
    type: 'mute',
    creator: 'initiator',
    name: `${alice.p.id}-audio`,
  });

  const carol = await join(t, 'carol', 3000);
  expect(lastTo(t.sent, carol.jid, 'session-info').info).toEqual({
    type: 'mute',
    creator: 'initiator',
    name: `${alice.p.id}-audio`,
  });
});

test('when the worker dies, everyone gets session-terminate and a new session-initiate', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  t.sfu.rooms[0]?.die();
  await flush(t.conference);
  for (const who of [alice, bob]) {
    expect(lastTo(t.sent, who.jid, 'session-terminate').reason?.condition).toBe(
      'connectivity-error',
    );
    expect(lastTo(t.sent, who.jid, 'session-initiate').sid).not.toBe(who.p.sid);
  }
  expect(t.sfu.rooms).toHaveLength(2);
  expect(t.conference.participants.size).toBe(2);
});

test('a participant that never accepts is dropped with reason timeout', async () => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'performance'] });
  try {
    const t = setup();
    const jid = 'dora@guest.example.org/web';
    t.presence('dora', jid);
    await t.conference.request(jid);
    await flush(t.conference);
    jest.advanceTimersByTime(31000);
    await flush(t.conference);
    expect(lastTo(t.sent, jid, 'session-terminate').reason?.condition).toBe('timeout');
    expect(t.isClosed()).toBe(true);
  } finally {
    jest.useRealTimers();
  }
});

test('a request from outside the room creates nothing: the room is not joined and the conference closes', async () => {
  const t = setup({ roomExists: false });
  const outsider = new Conference('empty@conference.example.org', {
    sfu: t.sfu,
    muc: new MucRoom('empty@conference.example.org', FOCUS, 'focus', {
      request: async () => {
        throw new StanzaError('item-not-found');
      },
      send: async (stanza) => void t.stanzas.push(stanza),
    }),
    signaling: new Signaling({ request: async () => xml('iq'), send: async () => {} }, FOCUS, 1000),
    config: readFocusConfig(new ConfigReader({ 'focus.occupant-wait': 0 })),
  });
  const before = t.stanzas.length;
  const refusal = await outsider.request('mallory@guest.example.org/x');
  expect(refusal).toMatchObject({ condition: 'not-allowed' });
  expect(refusal?.text).toMatch(/join the room first/);
  expect(outsider.closed).toBe(true);
  expect(t.stanzas.slice(before)).toEqual([]); // no join presence was sent

  // A room that exists, but the requester is not in it: the focus leaves again.
  const refused = await t.conference.request('mallory@guest.example.org/x');
  expect(refused).toMatchObject({ condition: 'not-allowed' });
  expect(t.conference.closed).toBe(true);
  expect(t.stanzas.at(-1)?.attrs.type).toBe('unavailable');
});

test('close runs on the queue, after the steps already queued', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const order: string[] = [];
  t.conference.enqueue(async () => {
    await new Promise((r) => setTimeout(r, 20));
    order.push('step');
  });
  const closing = t.conference.close('test').then(() => order.push('closed'));
  await closing;
  expect(order).toEqual(['step', 'closed']);
  expect(lastTo(t.sent, alice.jid, 'session-terminate').reason?.condition).toBe('success');
  // After close, Jingle for the old session is an unknown session, not an exception.
  const late = await t.conference.jingle(alice.p, {
    action: 'session-info',
    sid: alice.p.sid,
    contents: [],
    groups: [],
  });
  expect(late).toMatchObject({ condition: 'item-not-found', app: { name: 'unknown-session' } });
});

test('a content-accept that crosses the content-remove of the same contents is acknowledged', async () => {
  const t = setup();
  const alice = await join(t, 'alice', 1000);
  const bob = await join(t, 'bob', 2000);
  const add = lastTo(t.sent, alice.jid, 'content-add');
  t.presence('bob', bob.jid, 'unavailable');
  await flush(t.conference);
  expect(lastTo(t.sent, alice.jid, 'content-remove').contents).toHaveLength(2);
  expect(await t.conference.jingle(alice.p, answer(add, 3000, 'content-accept'))).toBe(DONE);
  // A content never offered is still out of order.
  const bogus = answer(
    { ...add, contents: add.contents.map((c) => ({ ...c, name: 'p000000-x' })) },
    4000,
    'content-accept',
  );
  expect(await t.conference.jingle(alice.p, bogus)).toMatchObject({
    app: { name: 'out-of-order' },
  });
});
