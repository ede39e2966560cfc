import { Parser, type Element } from '@xmpp/xml';
import {
  announcedSpeaker,
  conferenceReady,
  contentOwners,
  isFocusJid,
  parseConferenceResult,
  parseReceiveConstraints,
  receiveConstraints,
  speakerAnnouncement,
} from './focusProtocol';
import xml from '@xmpp/xml';

function parse(text: string): Element {
  let root: Element | undefined;
  const parser = new Parser();
  parser.on('element', (el) => (root = el));
  parser.write(`<stream>${text}`);
  if (!root) throw new Error('no element');
  return root;
}

const ROOM = 'team@conference.example.org';

test('tile owners come from ssrc-info', () => {
  const jingle = parse(`
    <jingle xmlns='urn:xmpp:jingle:1' action='content-add' sid='s1'>
      <content creator='initiator' name='p1-video' senders='initiator'>
        <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
          <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='11'>
            <parameter name='msid' value='p1 t1'/>
            <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='team@conference.example.org/Bob'/>
          </source>
        </description>
      </content>
      <content creator='initiator' name='p2-audio' senders='initiator'>
        <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>
      </content>
    </jingle>`);
  expect([...contentOwners(jingle)]).toEqual([['p1-video', 'team@conference.example.org/Bob']]);
});

test('the conference answer gives the focus nick, and reads back', () => {
  const result = parse(`
    <iq type='result'><conference xmlns='http://jitsi.org/protocol/focus' ready='true'
        room='team@conference.example.org' focusjid='focus@focus.example.org'>
      <property name='focusNick' value='focus-2'/></conference></iq>`);
  expect(parseConferenceResult(result, 'focus')).toEqual({
    focusJid: 'focus@focus.example.org',
    focusNick: 'focus-2',
  });
  const ready = { focusJid: 'focus@focus.example.org', focusNick: 'focus' };
  expect(parseConferenceResult(conferenceReady(ROOM, ready), 'x')).toEqual(ready);
  expect(() => parseConferenceResult(parse(`<iq type='result'/>`), 'focus')).toThrow(
    'The conference is not ready.',
  );
});

test('receive constraints as the protocol writes them, and read back with named errors', () => {
  const request = receiveConstraints('s1', [{ content: 'p1-video', maxSpatialLayer: 0 }]);
  expect(request.toString()).toBe(
    `<constraints xmlns="urn:confab:receive:0" sid="s1"><content name="p1-video" max-spatial-layer="0"/></constraints>`,
  );
  expect(parseReceiveConstraints(request)).toEqual({
    ok: true,
    value: { sid: 's1', constraints: [{ content: 'p1-video', maxSpatialLayer: 0 }] },
  });
  const bad = (inner: string, sid = "sid='s'"): unknown =>
    parseReceiveConstraints(
      parse(`<constraints xmlns='urn:confab:receive:0' ${sid}>${inner}</constraints>`),
    );
  expect(bad('', '')).toEqual({ ok: false, error: 'missing sid' });
  expect(bad(`<content max-spatial-layer='1'/>`)).toEqual({
    ok: false,
    error: 'content without name',
  });
  expect(bad(`<content name='v'/>`)).toEqual({
    ok: false,
    error: 'content v lacks max-spatial-layer',
  });
  expect(bad(`<content name='v' max-spatial-layer='-1'/>`)).toMatchObject({ ok: false });
  expect(bad(`<content name='v' max-spatial-layer='1' max-temporal-layer='x'/>`)).toMatchObject({
    ok: false,
  });
  expect(bad(`<content name='v' max-spatial-layer='1'/>`.repeat(257))).toEqual({
    ok: false,
    error: 'at most 256 contents',
  });
});

test('a speaker announcement counts only from the focus occupant', () => {
  const message = (from: string): Element =>
    xml('message', { from, type: 'groupchat' }, ...speakerAnnouncement('Bob'));
  expect(announcedSpeaker(message(`${ROOM}/focus`), ROOM, 'focus')).toBe('Bob');
  expect(announcedSpeaker(message(`TEAM@conference.example.org/focus`), ROOM, 'focus')).toBe('Bob');
  // Forged by an occupant, or before we know the focus's nick: not a speaker, not chat.
  expect(announcedSpeaker(message(`${ROOM}/mallory`), ROOM, 'focus')).toBeNull();
  expect(announcedSpeaker(message(`${ROOM}/focus`), ROOM, undefined)).toBeNull();
  expect(announcedSpeaker(message(`other@conference.example.org/focus`), ROOM, 'focus')).toBeNull();
  // Not an announcement at all.
  expect(
    announcedSpeaker(
      xml('message', { from: `${ROOM}/focus` }, xml('body', {}, 'hi')),
      ROOM,
      'focus',
    ),
  ).toBeUndefined();
});

test('the focus is its component domain and the entities on it', () => {
  expect(isFocusJid('focus@focus.example.org/focus', 'focus.example.org')).toBe(true);
  expect(isFocusJid('FOCUS.example.org', 'focus.example.org')).toBe(true);
  expect(isFocusJid('mallory@example.org/focus.example.org', 'focus.example.org')).toBe(false);
  expect(isFocusJid('team@conference.example.org/focus', 'focus.example.org')).toBe(false);
});
