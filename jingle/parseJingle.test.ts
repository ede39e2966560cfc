import { parseXml } from './fixtures/fixtures';
import { JingleError } from './JingleError';
import type { JinglePayload } from './model';
import { parseJingle } from './parseJingle';
import { serializeJingle } from './serializeJingle';

function parse(text: string): JinglePayload {
  const result = parseJingle(parseXml(text));
  if (!result.ok) throw result.error;
  return result.value;
}

function failure(text: string): JingleError {
  const result = parseJingle(parseXml(text));
  if (result.ok) throw new Error('expected an error');
  expect(result.error).toBeInstanceOf(JingleError);
  return result.error;
}

const CANDIDATE = `component='1' foundation='1' generation='0' id='c' ip='10.0.0.1' port='1' priority='1' protocol='udp' type='host'`;

const INITIATE = `
<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='a73sjjvkla37jfea' initiator='focus.example.org'>
  <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'>
    <content name='audio'/><content name='video'/><content name='data'/>
  </group>
  <content creator='initiator' name='audio' senders='both'>
    <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>
      <payload-type id='111' name='opus' clockrate='48000' channels='2'>
        <parameter name='minptime' value='10'/>
        <parameter name='useinbandfec' value='1'/>
        <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='transport-cc'/>
      </payload-type>
      <payload-type id='63' name='red' clockrate='48000' channels='2'><parameter name='' value='111/111'/></payload-type>
      <bandwidth type='AS'>128</bandwidth>
      <rtcp-mux/>
      <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>
      <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='2' uri='urn:ietf:params:rtp-hdrext:csrc-audio-level' senders='initiator'/>
      <extmap-allow-mixed xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0'/>
      <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='4294967295'>
        <parameter name='cname' value='abc'/>
        <parameter name='msid' value='stream track'/>
      </source>
      <encryption required='0'/>
    </description>
    <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='8hhy' pwd='asd88fgpdd777uzjYhagZg'>
      <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>
        02:1A:CC:54:27:AB:EB:9C:53:3F:3E:4B:65:2E:7D:46:3F:54:42:CD:54:F1:7A:03:A2:7D:F9:B0:7F:46:19:B2
      </fingerprint>
      <candidate component='1' foundation='1' generation='0' id='el0747fg11' ip='10.0.1.1' network='1' port='8998' priority='2130706431' protocol='udp' type='host'/>
      <candidate component='1' foundation='2' generation='0' id='y3s2b30v3r' ip='192.0.2.3' port='45664' priority='1694498815' protocol='udp' rel-addr='10.0.1.1' rel-port='8998' type='srflx'/>
      <candidate component='1' foundation='3' generation='0' id='t1' ip='10.0.1.1' port='9' priority='1518280447' protocol='TCP' type='host' tcptype='active'/>
      <candidate component='1' foundation='4' generation='0' id='g1' ip='10.0.1.1' port='443' priority='1' protocol='ssltcp' type='relay'/>
      <gathering-complete/>
      <rtcp-mux/>
    </transport>
  </content>
  <content creator='initiator' name='video'>
    <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>
      <payload-type id='96' name='VP8' clockrate='90000'>
        <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
      </payload-type>
      <payload-type id='97' name='rtx' clockrate='90000'><parameter name='apt' value='96'/></payload-type>
      <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='ccm' subtype='fir'/>
      <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1'/>
      <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='2'/>
      <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'><source ssrc='1'/><source ssrc='2'/></ssrc-group>
      <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' rid='q'/>
      <rid-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='SIM'><source rid='q'/></rid-group>
    </description>
  </content>
  <content creator='initiator' name='data'>
    <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>
      <sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1' number='5000' protocol='webrtc-datachannel' streams='1024'/>
    </transport>
  </content>
  <unknown xmlns='urn:example:ignored'/>
</jingle>`;

describe('parseJingle', () => {
  test('reads a session-initiate with every supported element', () => {
    const p = parse(INITIATE);
    expect(p).toMatchObject({
      action: 'session-initiate',
      sid: 'a73sjjvkla37jfea',
      initiator: 'focus.example.org',
    });
    expect(p.groups).toEqual([{ semantics: 'BUNDLE', contents: ['audio', 'video', 'data'] }]);
    const [audio, video, data] = p.contents;
    expect(audio?.senders).toBe('both');
    expect(video?.senders).toBeUndefined();
    const d = audio?.description;
    expect(d?.payloadTypes[0]).toEqual({
      id: 111,
      name: 'opus',
      clockrate: 48000,
      channels: 2,
      parameters: [
        { name: 'minptime', value: '10' },
        { name: 'useinbandfec', value: '1' },
      ],
      rtcpFeedback: [{ type: 'transport-cc' }],
    });
    expect(d?.payloadTypes[1]?.parameters).toEqual([{ name: '', value: '111/111' }]);
    expect(d?.bandwidth).toEqual({ type: 'AS', value: 128 });
    expect(d?.rtcpMux).toBe(true);
    expect(d?.extmapAllowMixed).toBe(true);
    expect(d?.headerExtensions[1]).toEqual({
      id: 2,
      uri: 'urn:ietf:params:rtp-hdrext:csrc-audio-level',
      senders: 'initiator',
    });
    expect(d?.sources).toEqual([
      {
        ssrc: 4294967295,
        parameters: [
          { name: 'cname', value: 'abc' },
          { name: 'msid', value: 'stream track' },
        ],
      },
    ]);
    const t = audio?.transport;
    expect(t?.fingerprints).toEqual([
      {
        hash: 'sha-256',
        setup: 'actpass',
        value:
          '02:1A:CC:54:27:AB:EB:9C:53:3F:3E:4B:65:2E:7D:46:3F:54:42:CD:54:F1:7A:03:A2:7D:F9:B0:7F:46:19:B2',
      },
    ]);
    expect(t?.gatheringComplete).toBe(true);
    // The ssltcp candidate is skipped, TCP is normalized to lower case and keeps its tcptype.
    expect(t?.candidates.map((c) => [c.type, c.protocol, c.tcptype])).toEqual([
      ['host', 'udp', undefined],
      ['srflx', 'udp', undefined],
      ['host', 'tcp', 'active'],
    ]);
    expect(t?.candidates[1]).toMatchObject({ relAddr: '10.0.1.1', relPort: 8998 });
    expect(video?.description?.rtcpFeedback).toEqual([{ type: 'ccm', subtype: 'fir' }]);
    expect(video?.description?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [1, 2] }]);
    expect(video?.description?.rids).toEqual(['q']);
    expect(video?.description?.ridGroups).toEqual([{ semantics: 'SIM', rids: ['q'] }]);
    expect(data?.description).toBeUndefined();
    expect(data?.transport?.sctp).toEqual({
      port: 5000,
      protocol: 'webrtc-datachannel',
      streams: 1024,
    });
  });

  test('serializeJingle is its inverse', () => {
    const p = parse(INITIATE);
    expect(parse(serializeJingle(p).toString())).toEqual(p);
  });

  test('accepts the iq that carries the jingle element', () => {
    const p = parse(`<iq xmlns='jabber:client' type='set'>${INITIATE}</iq>`);
    expect(p.action).toBe('session-initiate');
  });

  test('reads reasons, with text and alternative-session', () => {
    const p = parse(`<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s'>
      <reason><alternative-session><sid>b84tkkwlmb48kgfb</sid></alternative-session><text>use the other one</text></reason>
    </jingle>`);
    expect(p.reason).toEqual({
      condition: 'alternative-session',
      alternativeSid: 'b84tkkwlmb48kgfb',
      text: 'use the other one',
    });
    expect(parse(serializeJingle(p).toString())).toEqual(p);
  });

  test('reads session-info payloads; an empty session-info is a ping', () => {
    const mute = parse(`<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'>
      <mute xmlns='urn:xmpp:jingle:apps:rtp:info:1' creator='responder' name='voice'/></jingle>`);
    expect(mute.info).toEqual({ type: 'mute', creator: 'responder', name: 'voice' });
    const ringing = parse(`<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'>
      <ringing xmlns='urn:xmpp:jingle:apps:rtp:info:1'/></jingle>`);
    expect(ringing.info).toEqual({ type: 'ringing' });
    expect(
      parse(`<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'/>`).info,
    ).toBeUndefined();
  });

  test.each([
    ['no action', `<jingle xmlns='urn:xmpp:jingle:1' sid='s'/>`, 'jingle.@action'],
    [
      'an unknown action',
      `<jingle xmlns='urn:xmpp:jingle:1' action='session-dance' sid='s'/>`,
      'jingle.@action',
    ],
    ['no sid', `<jingle xmlns='urn:xmpp:jingle:1' action='session-info'/>`, 'jingle.@sid'],
    [
      'another namespace',
      `<jingle xmlns='urn:xmpp:jingle:0' action='session-info' sid='s'/>`,
      'jingle',
    ],
    [
      'a content without creator',
      `<jingle xmlns='urn:xmpp:jingle:1' action='content-remove' sid='s'><content name='a'/></jingle>`,
      'jingle.content[a].@creator',
    ],
    [
      'two contents of the same name',
      `<jingle xmlns='urn:xmpp:jingle:1' action='content-remove' sid='s'><content creator='initiator' name='a'/><content creator='initiator' name='a'/></jingle>`,
      'jingle.content',
    ],
    ['SSRC 0', source(`ssrc='0'`), 'jingle.content[a].description.source[0].@ssrc'],
    ['SSRC 2^32', source(`ssrc='4294967296'`), 'jingle.content[a].description.source[0].@ssrc'],
    ['a hexadecimal SSRC', source(`ssrc='0x10'`), 'jingle.content[a].description.source[0].@ssrc'],
    [
      'payload type 128',
      description(`<payload-type id='128' name='x' clockrate='90000'/>`),
      'jingle.content[a].description.payload-type[0].@id',
    ],
    [
      'a duplicate payload type',
      description(`<payload-type id='96'/><payload-type id='96'/>`),
      'jingle.content[a].description.payload-type',
    ],
    ['port 70000', candidate(`port='70000'`), 'jingle.content[a].transport.candidate[0].@port'],
    [
      'an unknown candidate type',
      candidate(`type='magic'`),
      'jingle.content[a].transport.candidate[0].@type',
    ],
    [
      'a candidate IP with a space',
      candidate(`ip='1.2.3.4 typ'`),
      'jingle.content[a].transport.candidate[0].@ip',
    ],
    [
      'an injected line break',
      candidate(`foundation='1&#10;a=evil'`),
      'jingle.content[a].transport.candidate[0].@foundation',
    ],
    [
      '65 candidates',
      transport(Array(65).fill(`<candidate ${CANDIDATE}/>`).join('')),
      'jingle.content[a].transport.candidate',
    ],
    [
      '65 sources',
      description(
        Array.from(
          { length: 65 },
          (_, i) => `<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='${i + 1}'/>`,
        ).join(''),
      ),
      'jingle.content[a].description.source',
    ],
    [
      'a bad fingerprint',
      transport(
        `<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256'>zz:11</fingerprint>`,
      ),
      'jingle.content[a].transport.fingerprint[0]',
    ],
    [
      'a header extension id of 300',
      description(
        `<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='300' uri='urn:x'/>`,
      ),
      'jingle.content[a].description.rtp-hdrext[0].@id',
    ],
    [
      'an empty ssrc-group',
      description(`<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'/>`),
      'jingle.content[a].description.ssrc-group[0]',
    ],
    [
      'a reason without condition',
      `<jingle xmlns='urn:xmpp:jingle:1' action='session-terminate' sid='s'><reason><text>x</text></reason></jingle>`,
      'jingle.reason',
    ],
    [
      'a 257-character sid',
      `<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='${'x'.repeat(257)}'/>`,
      'jingle.@sid',
    ],
  ])('refuses %s with bad-request naming the field', (_what, text, field) => {
    const error = failure(text);
    expect(error.condition).toBe('bad-request');
    expect(error.field).toBe(field);
  });

  test('an unknown application or transport is feature-not-implemented, with the reason to refuse it', () => {
    const application = failure(
      `<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s'><content creator='initiator' name='f'><description xmlns='urn:xmpp:jingle:apps:file-transfer:5'/></content></jingle>`,
    );
    expect(application).toMatchObject({
      condition: 'feature-not-implemented',
      reason: 'unsupported-applications',
    });
    const transportError = failure(
      `<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s'><content creator='initiator' name='f'><transport xmlns='urn:xmpp:jingle:transports:s5b:1'/></content></jingle>`,
    );
    expect(transportError).toMatchObject({
      condition: 'feature-not-implemented',
      reason: 'unsupported-transports',
    });
    const media = failure(description('', `media='text'`));
    expect(media).toMatchObject({
      condition: 'feature-not-implemented',
      field: 'jingle.content[a].description.@media',
    });
  });

  test('an unknown session-info payload is feature-not-implemented with unsupported-info', () => {
    const error = failure(
      `<jingle xmlns='urn:xmpp:jingle:1' action='session-info' sid='s'><dance xmlns='urn:example:party'/></jingle>`,
    );
    expect(error).toMatchObject({
      condition: 'feature-not-implemented',
      jingleCondition: 'unsupported-info',
    });
  });
});

function content(inner: string): string {
  return `<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='s'><content creator='initiator' name='a'>${inner}</content></jingle>`;
}

function description(inner: string, attrs = `media='audio'`): string {
  return content(`<description xmlns='urn:xmpp:jingle:apps:rtp:1' ${attrs}>${inner}</description>`);
}

function source(attrs: string): string {
  return description(`<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ${attrs}/>`);
}

function transport(inner: string): string {
  return content(`<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>${inner}</transport>`);
}

function candidate(override: string): string {
  const name = override.split('=')[0] ?? '';
  const attrs = CANDIDATE.split(/ (?=[a-z-]+=)/)
    .filter((a) => !a.startsWith(`${name}=`))
    .concat(override)
    .join(' ');
  return transport(`<candidate ${attrs}/>`);
}
