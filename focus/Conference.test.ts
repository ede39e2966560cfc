// The conference state machine with a fake SFU and a recording XMPP link:
// who gets which Jingle action when people join, accept, mute and leave.
import xml, { type Element } from '@xmpp/xml';
import { parseJingle, type JingleContent, type JinglePayload } from '../jingle';
import { StanzaError } from '../component/StanzaError';
import { DONE } from '../component/IqRouter';
import { FakeEndpoint, FakeSfu } from '../test/harness/fakeSfu';
import { Conference } from './Conference';
import { handleJingle } from './JingleActions';
import { MucRoom } from './MucRoom';
import { Signaling } from './Signaling';
import { readFocusConfig } from './config';
import { ConfigReader } from '../common/config';
import type { Participant } from './Participant';

const ROOM = 'team@conference.example.org';
const FOCUS = 'focus@focus.example.org/focus';

interface Sent {
  to: string;
  payload: JinglePayload;
}

function setup() {
  const sent: Sent[] = [];
  const stanzas: Element[] = [];
  const component = {
    async request(iq: Element): Promise<Element> {
      const jingle = iq.getChild('jingle');
      const parsed = jingle && parseJingle(jingle);
      if (!parsed?.ok) throw new Error('focus sent bad Jingle');
      sent.push({ to: iq.attrs.to ?? '', payload: parsed.value });
      return xml('iq', { type: 'result' });
    },
    async send(stanza: Element): Promise<void> {
      stanzas.push(stanza);
    },
  };
  const sfu = new FakeSfu();
  const muc = new MucRoom(ROOM, FOCUS, 'focus', component);
  const config = readFocusConfig(new ConfigReader({ 'focus.occupant-wait': 0 }));
  let closed = false;
  const conference = new Conference(ROOM, {
    sfu,
    muc,
    signaling: new Signaling(component, FOCUS, 1000),
    config,
    onClosed: () => (closed = true),
  });
  const presence = (nick: string, jid: string, type?: string): void =>
    muc.handle(
      xml(
        'presence',
        { from: `${ROOM}/${nick}`, type },
        xml(
          'x',
          { xmlns: 'http://jabber.org/protocol/muc#user' },
          xml('item', { jid, role: 'participant', affiliation: 'none' }),
        ),
      ),
    );
  // The focus is in the room.
  void muc.join(1000);
  muc.handle(
    xml(
      'presence',
      { from: `${ROOM}/focus` },
      xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('status', { code: '110' })),
    ),
  );
  return { sent, stanzas, sfu, muc, conference, presence, isClosed: () => closed };
}

const flush = async (conference: Conference): Promise<void> => {
  await new Promise((r) => setImmediate(r));
  await conference.queue.drain();
  await new Promise((r) => setImmediate(r));
  await conference.queue.drain();
};

function lastTo(sent: Sent[], jid: string, action: string): JinglePayload {
  const found = [...sent].reverse().find((s) => s.to === jid && s.payload.action === action);
  if (!found)
    throw new Error(
      `no ${action} to ${jid}: ${sent.map((s) => `${s.to}:${s.payload.action}`).join(', ')}`,
    );
  return found.payload;
}

/** A participant's answer to the focus's offer: sources on audio/video, receive-only elsewhere. */
function answer(
  initiate: JinglePayload,
  ssrcBase: number,
  action: 'session-accept' | 'content-accept' = 'session-accept',
): JinglePayload {
  const contents: JingleContent[] = initiate.contents.map((c, i) => {
    const own = c.name === 'audio' || c.name === 'video';
    const d = c.description;
    if (!d) throw new Error('content without description');
    const video = d.media === 'video';
    const ssrc = ssrcBase + i * 2;
    return {
      name: c.name,
      creator: 'initiator',
      senders: c.senders,
      description: {
        ...d,
        payloadTypes: d.payloadTypes.slice(0, video ? 2 : 1),
        sources: own
          ? [
              { ssrc, parameters: [{ name: 'cname', value: `c${ssrcBase}` }] },
              ...(video ? [{ ssrc: ssrc + 1, parameters: [] }] : []),
            ]
          : [],
        ssrcGroups: own && video ? [{ semantics: 'FID', ssrcs: [ssrc, ssrc + 1] }] : [],
      },
      transport: {
        ufrag: `u${ssrcBase}`,
        pwd: 'p'.repeat(22),
        candidates: [],
        gatheringComplete: false,
        fingerprints: [
          {
            hash: 'sha-256',
            value: Array.from({ length: 32 }, () => 'BB').join(':'),
            setup: 'active',
          },
        ],
      },
    };
  });
  return { action, sid: initiate.sid, contents, groups: [] };
}

async function join(
  t: ReturnType<typeof setup>,
  nick: string,
  ssrcBase: number,
): Promise<{ jid: string; p: Participant }> {
  const jid = `${nick}@guest.example.org/web`;
  t.presence(nick, jid);
  expect(await t.conference.request(jid)).toBeNull();
  await flush(t.conference);
  const initiate = lastTo(t.sent, jid, 'session-initiate');
  const p = t.conference.participantBySid(initiate.sid);
  if (!p) throw new Error('no participant');
  expect(
    await t.conference.queue.push(() => handleJingle(t.conference, p, answer(initiate, ssrcBase))),
  ).toBe(DONE);
  await flush(t.conference);
  return { jid, p };
}

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
  expect(
    await t.conference.queue.push(() =>
      handleJingle(t.conference, alice.p, answer(add, 3000, 'content-accept')),
    ),
  ).toBe(DONE);
  expect(aliceEndpoint.consumers.every((c) => !c.paused && c.keyFrames > 0)).toBe(true);
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
  const result = await t.conference.queue.push(() => handleJingle(t.conference, alice.p, again));
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
  expect(await t.conference.queue.push(() => handleJingle(t.conference, alice.p, mute))).toBe(DONE);
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
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
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
