// Hostile or broken input from an occupant and from a non-occupant gets the
// right XMPP error, and the focus keeps serving the other participants.
import { startTestConfab, type TestConfab } from '../harness/confab';
import { RawParticipant } from '../harness/rawParticipant';
import { stanzaErrorOf } from '../harness/errors';
import type { ConferenceBot } from '../../bot/ConferenceBot';
import { parseXml } from '../../jingle/fixtures/fixtures';
import xml from '@xmpp/xml';

let world: TestConfab;
let room: string;
let focus: string;
let service: string;
let guests: string;
let alice: ConferenceBot;
let bob: ConferenceBot;
const raws: RawParticipant[] = [];

async function packetsReceived(bot: ConferenceBot): Promise<number> {
  return (await bot.stats()).reduce((n, s) => n + s.packets, 0);
}

beforeAll(async () => {
  // A generous request budget: the 1,000-request test checks what each request does.
  world = await startTestConfab({ 'focus.request-rate': 6000 });
  room = world.room('hostile');
  focus = `focus.${world.domain}`;
  service = `xmpp://127.0.0.1:${world.confab.ports.c2s}`;
  guests = `guest.${world.domain}`;
  alice = await world.bot('alice', room);
  bob = await world.bot('bob', room);
  await alice.waitForStats((s) => s.some((t) => t.packets > 10), 'media from bob');
});

afterAll(async () => {
  for (const raw of raws) await raw.stop();
  await world?.stop();
});

async function raw(nick: string, join = true): Promise<RawParticipant> {
  const p = await RawParticipant.start({ service, domain: guests, room, nick, join });
  raws.push(p);
  return p;
}

const jingle = (action: string, sid: string, inner = ''): string =>
  `<jingle xmlns='urn:xmpp:jingle:1' action='${action}' sid='${sid}'>${inner}</jingle>`;

test('a session-accept for an unknown session: item-not-found with unknown-session', async () => {
  const mallory = await raw('mallory');
  const error = await stanzaErrorOf(
    mallory.set(focus, jingle('session-accept', 'no-such-session')),
  );
  expect(error).toMatchObject({
    condition: 'item-not-found',
    type: 'cancel',
    app: 'unknown-session',
  });
});

test("a non-occupant cannot use someone else's session id", async () => {
  const outsider = await raw('outsider', false);
  const sid = alice.peer?.session.sid ?? '';
  const error = await stanzaErrorOf(
    outsider.set(focus, jingle('session-terminate', sid, '<reason><success/></reason>')),
  );
  expect(error).toMatchObject({ condition: 'item-not-found', app: 'unknown-session' });
  expect(world.confab.focus.counts().participants).toBe(2);
});

test('a conference request from a non-occupant is refused', async () => {
  const outsider = await raw('outsider2', false);
  const error = await stanzaErrorOf(
    outsider.set(focus, `<conference xmlns='http://jitsi.org/protocol/focus' room='${room}'/>`),
  );
  expect(error.condition).toBe('not-allowed');
  expect(error.text).toMatch(/not an occupant.*join the room first/);
});

test('1,000 conference requests for distinct rooms from a non-occupant create no conference and no room', async () => {
  const outsider = await raw('outsider3', false);
  const started = performance.now();
  const errors = await Promise.all(
    Array.from({ length: 1000 }, (_, i) =>
      stanzaErrorOf(
        outsider.set(
          focus,
          `<conference xmlns='http://jitsi.org/protocol/focus' room='leak${i}@conference.${world.domain}'/>`,
        ),
      ),
    ),
  );
  const ms = Math.round(performance.now() - started);
  expect(new Set(errors.map((e) => e.condition))).toEqual(new Set(['not-allowed']));
  expect(errors[0]?.text).toMatch(/nobody is in leak0@conference\.localhost; join the room first/);
  // Only the conference of the room the bots are in; Prosody has none of the others.
  expect(world.confab.focus.counts()).toMatchObject({ conferences: 1, rooms: 1 });
  for (const i of [0, 499, 999]) {
    const probe = await stanzaErrorOf(
      outsider.xmpp.iqCaller.get(
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
        `leak${i}@conference.${world.domain}`,
      ),
    );
    expect(probe.condition).toBe('item-not-found');
  }
  console.log(`1,000 conference requests from outside answered in ${ms} ms`);
});

test('a conference request for a room on another domain is refused', async () => {
  const mallory = await raw('mallory2');
  const error = await stanzaErrorOf(
    mallory.set(
      focus,
      "<conference xmlns='http://jitsi.org/protocol/focus' room='r@conference.elsewhere.example'/>",
    ),
  );
  expect(error).toMatchObject({ condition: 'not-allowed', type: 'cancel' });
  expect(error.text).toMatch(/only serves rooms on conference\.localhost/);
});

test('a content-add with 500 SSRCs is a bad request', async () => {
  const sources = Array.from(
    { length: 500 },
    (_, i) => `<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='${1000 + i}'/>`,
  ).join('');
  const payload = jingle(
    'content-add',
    alice.peer?.session.sid ?? '',
    `<content creator='responder' name='flood' senders='responder'>
       <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
         <payload-type id='96' name='VP8' clockrate='90000'/>${sources}
       </description>
     </content>`,
  );
  const error = await stanzaErrorOf(alice.sendRaw(focus, parseXml(payload)));
  expect(error.condition).toBe('bad-request');
  expect(error.text).toMatch(/source/);
});

test('garbage in a transport-info is a bad request', async () => {
  const payload = jingle(
    'transport-info',
    alice.peer?.session.sid ?? '',
    `<content creator='initiator' name='audio'>
       <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>
         <candidate component='1' foundation='x' generation='0' id='c1' ip='not-an-ip' port='99999' priority='-4' protocol='udp' type='host'/>
       </transport>
     </content>`,
  );
  const error = await stanzaErrorOf(alice.sendRaw(focus, parseXml(payload)));
  expect(error.condition).toBe('bad-request');
});

test('a session-accept offering only an unsupported codec is refused and the session ends', async () => {
  const eve = await raw('eve');
  await eve.set(focus, `<conference xmlns='http://jitsi.org/protocol/focus' room='${room}'/>`);
  const initiate = await eve.next('session-initiate');
  const sid = initiate.getChild('jingle')?.attrs.sid ?? '';
  const fingerprint =
    "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='active'>" +
    Array.from({ length: 32 }, () => 'AB').join(':') +
    '</fingerprint>';
  const error = await stanzaErrorOf(
    eve.set(
      focus,
      jingle(
        'session-accept',
        sid,
        `<content creator='initiator' name='audio' senders='both'>
           <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
             <payload-type id='9' name='G722' clockrate='8000'/>
             <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4242'><parameter name='cname' value='eve'/></source>
             <rtcp-mux/>
           </description>
           <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='abcd' pwd='abcdefghijklmnopqrstuv'>${fingerprint}</transport>
         </content>`,
      ),
    ),
  );
  expect(error.condition).toBe('feature-not-implemented');
  const terminate = await eve.next('session-terminate');
  expect(
    terminate.getChild('jingle')?.getChild('reason')?.getChild('failed-application'),
  ).toBeDefined();
});

test('bots trust only the focus: Jingle and speaker announcements from an occupant are refused', async () => {
  const mallory = await raw('mallory3');
  const sid = alice.peer?.session.sid ?? '';
  // Through the room, to alice's occupant JID, with her real session id.
  const error = await stanzaErrorOf(
    mallory.set(`${room}/alice`, jingle('session-terminate', sid, '<reason><success/></reason>')),
  );
  expect(error.condition).toBe('service-unavailable');
  expect(alice.peer?.session.ended).toBe(false);

  const speakers: string[] = [];
  alice.on('speaker', (nick) => speakers.push(nick));
  await mallory.xmpp.send(
    xml(
      'message',
      { to: room, type: 'groupchat' },
      xml('dominant-speaker', { xmlns: 'urn:confab:speaker:0', nick: 'mallory3' }),
    ),
  );
  // Alice hears her own echo of the room, so the forged message has surely reached her.
  await alice.sendMessage('after the forgery');
  await new Promise<void>((resolve) => alice.once('message', () => resolve()));
  expect(speakers).not.toContain('mallory3');
});

test('after all that, the others still exchange media', async () => {
  const [a, b] = [await packetsReceived(alice), await packetsReceived(bob)];
  await new Promise((r) => setTimeout(r, 1500));
  expect(await packetsReceived(alice)).toBeGreaterThan(a + 20);
  expect(await packetsReceived(bob)).toBeGreaterThan(b + 20);
  expect(world.confab.focus.counts()).toMatchObject({
    participants: 2,
    producers: 4,
    consumers: 4,
  });
});
