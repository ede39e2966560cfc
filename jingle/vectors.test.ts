// The captured test vectors (jingle/fixtures): their checked-in Jingle forms
// are what the library makes of them, Jingle → SDP → Jingle is stable, and
// the facts WebRTC needs survive the trip.
import { SDP_FIXTURES, parseXml, readFixture, readSdpFixture } from './fixtures/fixtures';
import { jingleToSdp } from './jingleToSdp';
import type { JingleContent, JinglePayload } from './model';
import { parseJingle } from './parseJingle';
import { sdpToJingle } from './sdpToJingle';
import { serializeJingle } from './serializeJingle';

function jingleForm(name: string): JinglePayload {
  const parsed = parseJingle(parseXml(readFixture(`${name}.xml`)));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function content(payload: { contents: JingleContent[] }, media: string): JingleContent {
  const found = payload.contents.find(
    (c) => c.description?.media === media || (media === 'data' && c.transport?.sctp),
  );
  if (!found) throw new Error(`no ${media} content`);
  return found;
}

describe.each(SDP_FIXTURES)('$name', (fixture) => {
  const sdp = readSdpFixture(fixture.name);
  const converted = sdpToJingle(sdp, { role: fixture.role });
  if (!converted.ok) throw converted.error;
  const { contents, groups } = converted.value;

  test('its Jingle form is what sdpToJingle gives', () => {
    const form = jingleForm(fixture.name);
    expect(form.action).toBe(fixture.action);
    expect(form.contents).toEqual(contents);
    expect(form.groups).toEqual(groups);
  });

  test('Jingle → SDP → Jingle is stable', () => {
    const regenerated = jingleToSdp(contents, groups, { role: fixture.role, type: fixture.type });
    if (!regenerated.ok) throw regenerated.error;
    const again = sdpToJingle(regenerated.value, { role: fixture.role });
    if (!again.ok) throw again.error;
    expect(again.value.contents).toEqual(contents);
    expect(again.value.groups).toEqual(groups);
    const twice = jingleToSdp(again.value.contents, again.value.groups, {
      role: fixture.role,
      type: fixture.type,
    });
    expect(twice).toEqual(regenerated);
  });

  test('XML → model → XML is stable', () => {
    const form = jingleForm(fixture.name);
    const reparsed = parseJingle(parseXml(serializeJingle(form).toString()));
    expect(reparsed).toEqual({ ok: true, value: form });
  });

  test('keeps BUNDLE, ICE, DTLS and the data channel', () => {
    expect(groups.find((g) => g.semantics === 'BUNDLE')?.contents).toEqual(
      contents.map((c) => c.name),
    );
    for (const c of contents) {
      expect(c.transport?.ufrag).toMatch(/\S{4,}/);
      expect(c.transport?.pwd).toMatch(/\S{22,}/);
      expect(c.transport?.fingerprints[0]?.hash).toBe('sha-256');
      expect(c.transport?.fingerprints[0]?.setup).toBe(
        fixture.type === 'offer' ? 'actpass' : 'active',
      );
    }
    // Bundled m-lines share the first one's candidates; some stacks list them only there.
    expect(contents[0]?.transport?.candidates.length).toBeGreaterThan(0);
    expect(content(converted.value, 'data').transport?.sctp).toEqual({
      port: 5000,
      protocol: 'webrtc-datachannel',
    });
    expect(content(converted.value, 'audio').description?.rtcpMux).toBe(true);
  });

  test('keeps opus, video with RTX, and the sender sources', () => {
    const audio = content(converted.value, 'audio').description;
    const video = content(converted.value, 'video').description;
    expect(audio?.payloadTypes.find((p) => p.name === 'opus')).toMatchObject({
      clockrate: 48000,
      channels: 2,
    });
    const vp8 = video?.payloadTypes.find((p) => p.name === 'VP8');
    expect(vp8?.rtcpFeedback).toEqual(
      expect.arrayContaining([{ type: 'nack' }, { type: 'nack', subtype: 'pli' }]),
    );
    const rtx = video?.payloadTypes.find(
      (p) => p.name === 'rtx' && p.parameters.some((q) => q.value === String(vp8?.id)),
    );
    expect(rtx).toBeDefined();
    expect(
      video?.headerExtensions.some((h) => h.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid'),
    ).toBe(true);
    for (const source of [...(audio?.sources ?? []), ...(video?.sources ?? [])]) {
      expect(source.parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining(['cname', 'msid']),
      );
    }
  });
});

test('simulcast: rids from Chromium and Firefox offers, SIM groups from the munged Chromium answer', () => {
  for (const name of ['chromium-offer', 'firefox-offer']) {
    const video = content(jingleForm(name), 'video').description;
    expect(video?.rids).toEqual(['q', 'h', 'f']);
    expect(video?.ridGroups).toEqual([{ semantics: 'SIM', rids: ['q', 'h', 'f'] }]);
  }
  const video = content(jingleForm('chromium-answer-simulcast'), 'video').description;
  const sim = video?.ssrcGroups.find((g) => g.semantics === 'SIM');
  expect(sim?.ssrcs).toHaveLength(3);
  const fid = video?.ssrcGroups.filter((g) => g.semantics === 'FID') ?? [];
  expect(fid.map((g) => g.ssrcs[0]).sort()).toEqual([...(sim?.ssrcs ?? [])].sort());
  expect(
    new Set(video?.sources.map((s) => s.parameters.find((p) => p.name === 'msid')?.value)).size,
  ).toBe(1);
});

test('TCP candidates keep their tcptype', () => {
  const audio = content(jingleForm('chromium-offer'), 'audio');
  const tcp = audio.transport?.candidates.filter((c) => c.protocol === 'tcp') ?? [];
  expect(tcp.length).toBeGreaterThan(0);
  expect(tcp.every((c) => c.tcptype === 'active' && c.port === 9)).toBe(true);
});

test("Firefox's bundle-only m-lines (port 0) are contents, not rejected ones", () => {
  const converted = sdpToJingle(readSdpFixture('firefox-offer'), { role: 'initiator' });
  expect(converted.ok && converted.value.rejected).toEqual([]);
  expect(converted.ok && converted.value.contents).toHaveLength(3);
});
