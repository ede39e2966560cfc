import { parseXml } from './fixtures/fixtures';
import { parseJingle } from './parseJingle';
import { serializeJingle } from './serializeJingle';

const stanza = `
  <jingle xmlns='urn:xmpp:jingle:1' action='content-add' sid='s1'>
    <content creator='initiator' name='p1a2b3c-audio' senders='initiator'>
      <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
        <payload-type id='100' name='opus' clockrate='48000' channels='2'/>
        <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1234'>
          <parameter name='msid' value='p1a2b3c track'/>
          <ssrc-info xmlns='http://jitsi.org/jitmeet' owner='team@conference.example.org/Bob Smith'/>
        </source>
      </description>
    </content>
  </jingle>`;

test('the owner of a forwarded source (ssrc-info) is read and written back', () => {
  const parsed = parseJingle(parseXml(stanza));
  if (!parsed.ok) throw parsed.error;
  const source = parsed.value.contents[0]?.description?.sources[0];
  expect(source?.owner).toBe('team@conference.example.org/Bob Smith');
  const again = parseJingle(serializeJingle(parsed.value));
  if (!again.ok) throw again.error;
  expect(again.value).toEqual(parsed.value);
});

test('an oversized owner is a bad request naming the field', () => {
  const parsed = parseJingle(parseXml(stanza.replace('Bob Smith', 'x'.repeat(5000))));
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.error.field).toMatch(/ssrc-info/);
});
