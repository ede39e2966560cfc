import { parse } from 'sdp-transform';
import { jingleToSdp } from './jingleToSdp';
import type { JingleContent, Role, Senders } from './model';
import { directionFromSenders, sendersFromDirection, type Direction } from './sdpDirection';
import { candidateLine, parseCandidateLine } from './sdpCandidates';

const TRANSPORT = {
  ufrag: 'ufrag1',
  pwd: 'pwd1pwd1pwd1pwd1pwd1pwd1',
  candidates: [
    {
      component: 1,
      foundation: 'udpcandidate',
      generation: 0,
      ip: '127.0.0.1',
      port: 40000,
      priority: 1076558079,
      protocol: 'udp' as const,
      type: 'host' as const,
    },
  ],
  fingerprints: [{ hash: 'sha-256', value: 'AB:CD', setup: 'actpass' as const }],
  gatheringComplete: true,
};

function audio(name: string, senders?: Senders, withTransport = true): JingleContent {
  const c: JingleContent = {
    name,
    creator: 'initiator',
    description: {
      media: 'audio',
      payloadTypes: [
        { id: 111, name: 'opus', clockrate: 48000, channels: 2, parameters: [], rtcpFeedback: [] },
      ],
      rtcpMux: true,
      rtcpFeedback: [],
      headerExtensions: [],
      extmapAllowMixed: false,
      sources: [
        {
          ssrc: 5,
          parameters: [
            { name: 'cname', value: 'c' },
            { name: 'msid', value: 's t' },
          ],
        },
      ],
      ssrcGroups: [],
      rids: [],
      ridGroups: [],
    },
  };
  if (senders) c.senders = senders;
  if (withTransport) c.transport = TRANSPORT;
  return c;
}

function sdp(result: ReturnType<typeof jingleToSdp>): ReturnType<typeof parse> {
  if (!result.ok) throw result.error;
  return parse(result.value);
}

describe('senders and directions', () => {
  const table: [Senders, Role, Direction][] = [
    ['both', 'initiator', 'sendrecv'],
    ['both', 'responder', 'sendrecv'],
    ['none', 'initiator', 'inactive'],
    ['initiator', 'initiator', 'sendonly'],
    ['initiator', 'responder', 'recvonly'],
    ['responder', 'initiator', 'recvonly'],
    ['responder', 'responder', 'sendonly'],
  ];
  test.each(table)('senders=%s in the %s’s SDP is %s, and back', (senders, author, direction) => {
    expect(directionFromSenders(senders, author)).toBe(direction);
    expect(sendersFromDirection(direction, author)).toBe(senders);
  });

  test('the m-line direction follows the author', () => {
    const offer = sdp(
      jingleToSdp([audio('a', 'initiator')], [], { role: 'initiator', type: 'offer' }),
    );
    expect(offer.media[0]?.direction).toBe('sendonly');
    const answer = sdp(
      jingleToSdp([audio('a', 'initiator')], [], { role: 'responder', type: 'answer' }),
    );
    expect(answer.media[0]?.direction).toBe('recvonly');
  });
});

describe('jingleToSdp', () => {
  test('a removed content is a port-0, inactive m-line without sources, left out of BUNDLE', () => {
    const result = sdp(
      jingleToSdp(
        [{ content: audio('a') }, { content: audio('b'), rejected: true }],
        [{ semantics: 'BUNDLE', contents: ['a', 'b'] }],
        {
          role: 'initiator',
          type: 'offer',
        },
      ),
    );
    expect(result.media.map((m) => [m.mid, m.port, m.direction])).toEqual([
      ['a', 9, 'sendrecv'],
      ['b', 0, 'inactive'],
    ]);
    expect(result.media[1]?.ssrcs).toBeUndefined();
    expect(result.groups).toEqual([{ type: 'BUNDLE', mids: 'a' }]);
  });

  test('a bundled content without a transport uses the bundle’s', () => {
    const result = sdp(
      jingleToSdp(
        [audio('a'), audio('b', 'both', false)],
        [{ semantics: 'BUNDLE', contents: ['a', 'b'] }],
        {
          role: 'initiator',
          type: 'offer',
        },
      ),
    );
    expect(result.media[1]?.iceUfrag).toBe('ufrag1');
    const alone = jingleToSdp([audio('b', 'both', false)], [], {
      role: 'initiator',
      type: 'offer',
    });
    expect(alone.ok).toBe(false);
  });

  test('DTLS setup: actpass in offers, a chosen role in answers, ice-lite when asked', () => {
    expect(
      sdp(jingleToSdp([audio('a')], [], { role: 'initiator', type: 'offer' })).media[0]?.setup,
    ).toBe('actpass');
    const answer = sdp(
      jingleToSdp([audio('a')], [], {
        role: 'initiator',
        type: 'answer',
        defaultSetup: 'passive',
        iceLite: true,
      }),
    );
    expect(answer.media[0]?.setup).toBe('passive');
    expect(answer.icelite).toBe('ice-lite');
  });

  test('opus keeps its two channels; msid goes on the m-line and the sources', () => {
    const m = sdp(jingleToSdp([audio('a')], [], { role: 'initiator', type: 'offer' })).media[0];
    expect(m?.rtp).toEqual([{ payload: 111, codec: 'opus', rate: 48000, encoding: 2 }]);
    expect(m?.msid).toEqual([{ id: 's', appdata: 't' }]);
    expect(m?.ssrcs).toEqual([
      { id: 5, attribute: 'cname', value: 'c' },
      { id: 5, attribute: 'msid', value: 's t' },
    ]);
    expect(m?.endOfCandidates).toBe('end-of-candidates');
  });

  test('a content with neither RTP nor SCTP cannot be rendered', () => {
    const bare: JingleContent = { name: 'x', creator: 'initiator', transport: TRANSPORT };
    const result = jingleToSdp([bare], [], { role: 'initiator', type: 'offer' });
    expect(result.ok || result.error.field).toBe('content[x]');
  });
});

describe('trickle candidate strings', () => {
  test.each([
    'candidate:3969105248 1 udp 2122194687 192.0.2.2 51550 typ host generation 0 network-id 1',
    'candidate:305752564 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active generation 0 network-id 1',
    'candidate:842163049 1 udp 1677729535 198.51.100.7 61916 typ srflx raddr 0.0.0.0 rport 0 generation 0',
    'candidate:1 1 udp 2122187007 e94fefca-aa4f-4609-a573-627199be1863.local 54213 typ host generation 0',
  ])('%s survives the model', (line) => {
    const candidate = parseCandidateLine(line);
    expect(candidate).toBeDefined();
    if (candidate) expect(candidateLine(candidate)).toBe(line);
  });

  test('unusable candidates are undefined, not errors', () => {
    expect(parseCandidateLine('candidate:1 1 sctp 1 1.2.3.4 5 typ host')).toBeUndefined();
    expect(parseCandidateLine('candidate:1 1 udp 1 1.2.3.4 5 typ host\r\na=evil')).toBeUndefined();
    expect(parseCandidateLine('garbage')).toBeUndefined();
  });
});
