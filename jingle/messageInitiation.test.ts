import { parseXml } from './fixtures/fixtures';
import { JMI_ACTIONS, jmiMessage, parseJmi } from './messageInitiation';

test('a proposal as Conversations sends it is read', () => {
  const message = parseXml(`
    <message xmlns='jabber:client' from='juliet@capulet.example/phone' to='romeo@montague.example' type='chat' id='m1'>
      <propose xmlns='urn:xmpp:jingle-message:0' id='ca3cf894-5325-482f-a412-a6e9f832298d'>
        <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>
        <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'/>
      </propose>
      <request xmlns='urn:xmpp:receipts'/>
      <store xmlns='urn:xmpp:hints'/>
    </message>`);
  expect(parseJmi(message)).toEqual({
    ok: true,
    value: {
      action: 'propose',
      id: 'ca3cf894-5325-482f-a412-a6e9f832298d',
      media: ['audio', 'video'],
    },
  });
});

test('every action round-trips, with reasons', () => {
  for (const action of JMI_ACTIONS) {
    const m = {
      action,
      id: 'sid1',
      media: action === 'propose' ? (['audio'] as const).slice() : [],
      ...(action === 'reject' ? { reason: { condition: 'busy' as const, text: 'in a call' } } : {}),
    };
    const built = jmiMessage('bob@example.org', m);
    expect(built.attrs.type).toBe('chat');
    expect(parseJmi(parseXml(built.toString()))).toEqual({ ok: true, value: m });
  }
});

test('messages without JMI are ignored; malformed ones are errors', () => {
  expect(parseJmi(parseXml('<message><body>hi</body></message>'))).toBeNull();
  const noId = parseJmi(
    parseXml("<message><proceed xmlns='urn:xmpp:jingle-message:0'/></message>"),
  );
  expect(noId).toMatchObject({ ok: false, error: { condition: 'bad-request' } });
  const noMedia = parseJmi(
    parseXml("<message><propose xmlns='urn:xmpp:jingle-message:0' id='x'/></message>"),
  );
  expect(noMedia).toMatchObject({ ok: false, error: { field: 'propose.description' } });
  const unknown = parseJmi(
    parseXml("<message><dance xmlns='urn:xmpp:jingle-message:0' id='x'/></message>"),
  );
  expect(unknown).toMatchObject({ ok: false });
});
