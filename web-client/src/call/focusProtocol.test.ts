import { Parser, type Element } from '@xmpp/xml';
import { badRequest, JingleError } from '../../../jingle';
import {
  contentOwners,
  jingleErrorElement,
  parseConferenceResult,
  receiveConstraints,
} from './focusProtocol';

function parse(text: string): Element {
  let root: Element | undefined;
  const parser = new Parser();
  parser.on('element', (el) => (root = el));
  parser.write(`<stream>${text}`);
  if (!root) throw new Error('no element');
  return root;
}

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

test('the conference result gives the focus nick', () => {
  const result = parse(`
    <iq type='result'><conference xmlns='http://jitsi.org/protocol/focus' ready='true'
        room='team@conference.example.org' focusjid='focus@focus.example.org'>
      <property name='focusNick' value='focus-2'/></conference></iq>`);
  expect(parseConferenceResult(result, 'focus')).toEqual({
    focusJid: 'focus@focus.example.org',
    focusNick: 'focus-2',
  });
  expect(() => parseConferenceResult(parse(`<iq type='result'/>`), 'focus')).toThrow(
    'The conference is not ready.',
  );
});

test('receive constraints and Jingle errors as the protocol writes them', () => {
  expect(receiveConstraints('s1', [{ content: 'p1-video', maxSpatialLayer: 0 }]).toString()).toBe(
    `<constraints xmlns="urn:confab:receive:0" sid="s1"><content name="p1-video" max-spatial-layer="0"/></constraints>`,
  );
  const error = jingleErrorElement(
    new JingleError('item-not-found', 'jingle.@sid', 'unknown session', {
      jingleCondition: 'unknown-session',
    }),
  );
  expect(error.attrs.type).toBe('cancel');
  expect(error.getChild('item-not-found', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
  expect(error.getChild('unknown-session', 'urn:xmpp:jingle:errors:1')).toBeDefined();
  expect(jingleErrorElement(badRequest('x', 'bad')).attrs.type).toBe('modify');
});
