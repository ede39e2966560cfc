import { parse } from 'sdp-transform';
import { parseXml, readFixture, readSdpFixture } from './fixtures/fixtures';
import { JingleSession, type RemoteAction } from './JingleSession';
import type { JingleContent, JinglePayload } from './model';
import { parseJingle } from './parseJingle';
import type { Result } from './result';

const SID = 'fixture';

function initiate(): JinglePayload {
  const parsed = parseJingle(parseXml(readFixture('wrtc-offer.xml')));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function value<T>(result: Result<T, Error>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

function described(result: Result<RemoteAction, Error>): {
  type: string;
  sdp: string;
  added: string[];
  removed: string[];
} {
  const action = value(result);
  if (action.kind !== 'description') throw new Error(`expected a description, got ${action.kind}`);
  return action;
}

function mids(sdp: string): [string, number][] {
  return parse(sdp).media.map((m) => [String(m.mid), m.port]);
}

/** A responder that has accepted the wrtc offer with Chromium's captured answer. */
function established(): JingleSession {
  const session = new JingleSession({
    sid: SID,
    localRole: 'responder',
    localJid: 'me@example.org/x',
  });
  described(session.apply(initiate()));
  value(session.accept(readSdpFixture('chromium-answer')));
  return session;
}

function extraContent(name: string): JingleContent {
  const audio = initiate().contents[0];
  if (!audio?.description) throw new Error('no audio');
  return {
    ...audio,
    name,
    senders: 'initiator',
    description: {
      ...audio.description,
      sources: [{ ssrc: 1234, parameters: [{ name: 'msid', value: 'other track' }] }],
    },
  };
}

describe('JingleSession as responder', () => {
  test('session-initiate gives the remote offer; accept builds session-accept from the local answer', () => {
    const session = new JingleSession({
      sid: SID,
      localRole: 'responder',
      localJid: 'me@example.org/x',
    });
    const offer = described(session.apply(initiate()));
    expect(offer.type).toBe('offer');
    expect(mids(offer.sdp)).toEqual([
      ['0', 9],
      ['1', 9],
      ['2', 9],
    ]);
    expect(offer.added).toEqual(['0', '1', '2']);
    const accept = value(session.accept(readSdpFixture('chromium-answer')));
    expect(accept).toMatchObject({
      action: 'session-accept',
      sid: SID,
      responder: 'me@example.org/x',
    });
    expect(accept.contents.map((c) => [c.name, c.creator])).toEqual([
      ['0', 'initiator'],
      ['1', 'initiator'],
      ['2', 'initiator'],
    ]);
    expect(accept.contents[0]?.transport?.fingerprints[0]?.setup).toBe('active');
  });

  test('content-add appends m-lines; content-remove keeps them as port 0, in the same place', () => {
    const session = established();
    const add = described(
      session.apply({
        action: 'content-add',
        sid: SID,
        contents: [extraContent('r1'), extraContent('r2')],
        groups: [],
      }),
    );
    expect(add.added).toEqual(['r1', 'r2']);
    expect(parse(add.sdp).groups).toEqual([{ type: 'BUNDLE', mids: '0 1 2 r1 r2' }]);
    expect(parse(add.sdp).media[3]?.direction).toBe('sendonly');
    const remove = described(
      session.apply({
        action: 'content-remove',
        sid: SID,
        contents: [{ name: 'r1', creator: 'initiator' }],
        groups: [],
      }),
    );
    expect(remove.removed).toEqual(['r1']);
    expect(mids(remove.sdp)).toEqual([
      ['0', 9],
      ['1', 9],
      ['2', 9],
      ['r1', 0],
      ['r2', 9],
    ]);
    expect(parse(remove.sdp).groups).toEqual([{ type: 'BUNDLE', mids: '0 1 2 r2' }]);
    const again = described(
      session.apply({
        action: 'content-add',
        sid: SID,
        contents: [extraContent('r3')],
        groups: [],
      }),
    );
    expect(mids(again.sdp).map(([m]) => m)).toEqual(['0', '1', '2', 'r1', 'r2', 'r3']);
    // Removing twice is harmless; adding a used name is not.
    expect(
      value(
        session.apply({
          action: 'content-remove',
          sid: SID,
          contents: [{ name: 'r1', creator: 'initiator' }],
          groups: [],
        }),
      ),
    ).toEqual({ kind: 'none' });
    const clash = session.apply({
      action: 'content-add',
      sid: SID,
      contents: [extraContent('r1')],
      groups: [],
    });
    expect(clash.ok || clash.error.condition).toBe('bad-request');
  });

  test('transport-info candidates become RTCIceCandidateInit and stay in later descriptions', () => {
    const session = established();
    const audio = initiate().contents[0];
    const transport = {
      ufrag: audio?.transport?.ufrag,
      candidates: [
        {
          component: 1,
          foundation: '99',
          generation: 0,
          ip: '198.51.100.9',
          port: 5000,
          priority: 100,
          protocol: 'udp' as const,
          type: 'srflx' as const,
          relAddr: '10.0.0.1',
          relPort: 5000,
        },
      ],
      fingerprints: [],
      gatheringComplete: true,
    };
    const trickled = value(
      session.apply({
        action: 'transport-info',
        sid: SID,
        contents: [{ name: '1', creator: 'initiator', transport }],
        groups: [],
      }),
    );
    expect(trickled).toEqual({
      kind: 'candidates',
      candidates: [
        {
          candidate:
            'candidate:99 1 udp 100 198.51.100.9 5000 typ srflx raddr 10.0.0.1 rport 5000 generation 0',
          sdpMid: '1',
          sdpMLineIndex: 1,
          usernameFragment: audio?.transport?.ufrag,
        },
        { candidate: '', sdpMid: '1', sdpMLineIndex: 1 },
      ],
    });
    const sdp = value(session.remoteDescription('offer'));
    expect(sdp).toContain('a=candidate:99 1 udp 100 198.51.100.9 5000 typ srflx');
  });

  test('new ICE credentials in transport-info are a restart: a new remote offer', () => {
    const session = established();
    const transport = {
      ufrag: 'newufrag',
      pwd: 'newpasswordnewpassword',
      candidates: [],
      fingerprints: [],
      gatheringComplete: false,
    };
    const restart = described(
      session.apply({
        action: 'transport-info',
        sid: SID,
        contents: [{ name: '0', creator: 'initiator', transport }],
        groups: [],
      }),
    );
    expect(restart.type).toBe('offer');
    expect(parse(restart.sdp).media[0]?.iceUfrag).toBe('newufrag');
  });

  test('local candidates become transport-info; the end of gathering without a mid covers every live content', () => {
    const session = established();
    const one = value(
      session.transportInfo({
        candidate: 'candidate:1 1 udp 5 10.0.0.2 7000 typ host generation 0',
        sdpMid: '0',
      }),
    );
    expect(one.contents).toHaveLength(1);
    expect(one.contents[0]?.transport?.candidates[0]).toMatchObject({ ip: '10.0.0.2', port: 7000 });
    expect(one.contents[0]?.transport?.ufrag).toBeDefined();
    const end = value(session.transportInfo({ candidate: null }));
    expect(end.contents.map((c) => [c.name, c.transport?.gatheringComplete])).toEqual([
      ['0', true],
      ['1', true],
      ['2', true],
    ]);
    expect(session.transportInfo({ candidate: 'candidate:x', sdpMid: 'nope' }).ok).toBe(false);
  });

  test('state errors: unknown session, out of order, after terminate', () => {
    const fresh = new JingleSession({ sid: SID, localRole: 'responder' });
    const other = fresh.apply({ ...initiate(), sid: 'other' });
    expect(other.ok || [other.error.condition, other.error.jingleCondition]).toEqual([
      'item-not-found',
      'unknown-session',
    ]);
    const early = fresh.apply({
      action: 'content-add',
      sid: SID,
      contents: [extraContent('x')],
      groups: [],
    });
    expect(early.ok || [early.error.condition, early.error.jingleCondition]).toEqual([
      'unexpected-request',
      'out-of-order',
    ]);
    const session = established();
    const accept = session.apply({ action: 'session-accept', sid: SID, contents: [], groups: [] });
    expect(accept.ok || accept.error.jingleCondition).toBe('out-of-order');
    expect(
      value(
        session.apply({
          action: 'session-terminate',
          sid: SID,
          contents: [],
          groups: [],
          reason: { condition: 'success' },
        }),
      ),
    ).toEqual({
      kind: 'terminate',
      reason: { condition: 'success' },
    });
    expect(session.ended).toBe(true);
    const late = session.apply({ action: 'transport-info', sid: SID, contents: [], groups: [] });
    expect(late.ok || late.error.jingleCondition).toBe('out-of-order');
  });
});

describe('JingleSession for local content-add', () => {
  test('content-add from a local offer, then the remote answer with the negotiated DTLS role', () => {
    const session = established();
    // Chromium's offer fixture has three m-lines named 0, 1, 2; pretend it re-offers with one more.
    const offer = readSdpFixture('chromium-offer')
      .replace(/a=mid:2/, 'a=mid:share')
      .replace(/BUNDLE 0 1 2/, 'BUNDLE 0 1 2 share');
    const sdp = `${readSdpFixture('chromium-answer').trimEnd()}\r\n${offer.slice(offer.indexOf('m=application'))}`;
    const add = value(
      session.addContents(sdp.replace('a=group:BUNDLE 0 1 2', 'a=group:BUNDLE 0 1 2 share')),
    );
    expect(add.action).toBe('content-add');
    expect(add.contents.map((c) => [c.name, c.creator])).toEqual([['share', 'responder']]);
    expect(add.groups).toEqual([{ semantics: 'BUNDLE', contents: ['0', '1', '2', 'share'] }]);
    const accepted: JingleContent = { ...(add.contents[0] as JingleContent), creator: 'responder' };
    const answer = described(
      session.apply({ action: 'content-accept', sid: SID, contents: [accepted], groups: [] }),
    );
    expect(answer.type).toBe('answer');
    const media = parse(answer.sdp).media;
    expect(media.map((m) => String(m.mid))).toEqual(['0', '1', '2', 'share']);
    // We are DTLS client (setup active in our answer): the remote answer says passive.
    expect(media.every((m) => m.setup === 'passive')).toBe(true);
  });

  test('content-reject of a local content leaves its m-line rejected in the answer', () => {
    const session = established();
    const offer = readSdpFixture('chromium-offer');
    const sdp = `${readSdpFixture('chromium-answer').trimEnd()}\r\n${offer.slice(offer.indexOf('m=application')).replace('a=mid:2', 'a=mid:share')}`;
    value(session.addContents(sdp));
    const answer = described(
      session.apply({
        action: 'content-reject',
        sid: SID,
        contents: [{ name: 'share', creator: 'responder' }],
        groups: [],
      }),
    );
    expect(mids(answer.sdp).at(-1)).toEqual(['share', 0]);
    expect(answer.removed).toEqual(['share']);
  });

  test("a new local track in a recycled (rejected) m-line takes that m-line's place", () => {
    const session = established();
    const offer = readSdpFixture('chromium-offer');
    const sdp = `${readSdpFixture('chromium-answer').trimEnd()}\r\n${offer.slice(offer.indexOf('m=application')).replace('a=mid:2', 'a=mid:share')}`;
    value(session.addContents(sdp));
    const accepted = session.contents.find((c) => c.name === 'share')?.local as JingleContent;
    described(
      session.apply({ action: 'content-accept', sid: SID, contents: [accepted], groups: [] }),
    );
    // The share stops; later the browser puts a new track in the same m-line under a new mid.
    session.removeContents(['share']);
    const again = value(session.addContents(sdp.replace(/a=mid:share/g, 'a=mid:share2')));
    expect(again.contents.map((c) => c.name)).toEqual(['share2']);
    expect(session.contents.map((c) => c.name)).toEqual(['0', '1', '2', 'share2']);
    expect(again.groups[0]?.contents).toEqual(['0', '1', '2', 'share2']);
    const answer = described(
      session.apply({
        action: 'content-accept',
        sid: SID,
        contents: [{ ...(again.contents[0] as JingleContent) }],
        groups: [],
      }),
    );
    expect(mids(answer.sdp).map(([mid]) => mid)).toEqual(['0', '1', '2', 'share2']);
  });
});
