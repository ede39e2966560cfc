// The focus-side mapping against mediasoup 3.12's own ortc functions (the
// checks produce() and consume() run), on the captured answers. No worker
// needed: real RTP through a router is in test/jingle/mediasoup-*.test.ts.
import type { types } from 'mediasoup';
import * as ortc from 'mediasoup/node/lib/ortc';
import { parseXml, readFixture } from './fixtures/fixtures';
import type { JingleContent, JinglePayload } from './model';
import { answerContent, consumerContent, offerContent } from './mediasoupContents';
import { producerParameters, rtpCapabilitiesOf } from './mediasoupProducer';
import { dtlsParametersOf, iceUdpTransportOf } from './mediasoupTransport';
import { parseJingle } from './parseJingle';
import { validateJingle } from './validate';
import { MEDIA_CODECS } from '../focus/sfu/codecs';

// The codecs Confab's routers are created with.
const ROUTER = ortc.generateRouterRtpCapabilities(MEDIA_CODECS);

function jingle(name: string): JinglePayload {
  const parsed = parseJingle(parseXml(readFixture(`${name}.xml`)));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function content(name: string, media: string): JingleContent {
  const found = jingle(name).contents.find((c) => c.description?.media === media);
  if (!found) throw new Error(`${name} has no ${media}`);
  return found;
}

/** What Transport.produce() does with the parameters before asking the worker. */
function produceChecks(kind: 'audio' | 'video', params: types.RtpParameters): types.RtpParameters {
  const copy = structuredClone(params);
  ortc.validateRtpParameters(copy);
  const mapping = ortc.getProducerRtpParametersMapping(copy, ROUTER);
  return ortc.getConsumableRtpParameters(kind, copy, ROUTER, mapping);
}

function specs(c: JingleContent): ReturnType<typeof producerParameters> & { ok: true } {
  const result = producerParameters(c, { routerRtpCapabilities: ROUTER });
  if (!result.ok) throw result.error;
  return result;
}

describe('producerParameters', () => {
  test('a SIM-simulcast camera: three layers with RTX, one codec, mediasoup accepts it', () => {
    const [camera, ...others] = specs(content('chromium-answer-simulcast', 'video')).value;
    expect(others).toHaveLength(0);
    const params = camera?.rtpParameters;
    expect(params?.codecs.map((c) => c.mimeType)).toEqual(['video/VP8', 'video/rtx']);
    expect(params?.codecs[1]?.parameters).toEqual({ apt: params?.codecs[0]?.payloadType });
    expect(params?.encodings).toHaveLength(3);
    expect(
      params?.encodings?.every((e) => e.ssrc && e.rtx?.ssrc && e.scalabilityMode === 'L1T3'),
    ).toBe(true);
    expect(params?.rtcp).toMatchObject({ cname: expect.any(String), mux: true, reducedSize: true });
    expect(params?.mid).toBe('1');
    expect(camera?.trackId).toMatch(/\S/);
    const consumable = produceChecks('video', params as types.RtpParameters);
    expect(consumable.encodings).toHaveLength(3);
  });

  test('opus keeps two channels and numeric parameters', () => {
    const [mic] = specs(content('chromium-answer', 'audio')).value;
    const opus = mic?.rtpParameters.codecs[0];
    expect(opus).toMatchObject({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
    expect(opus?.parameters).toMatchObject({ minptime: 10, useinbandfec: 1 });
    expect(mic?.rtpParameters.encodings).toEqual([{ ssrc: expect.any(Number) }]);
    produceChecks('audio', mic?.rtpParameters as types.RtpParameters);
  });

  test('libwebrtc and Firefox answers produce too', () => {
    for (const name of ['wrtc-answer', 'firefox-answer']) {
      for (const media of ['audio', 'video'] as const) {
        const [track] = specs(content(name, media)).value;
        expect(track).toBeDefined();
        produceChecks(media, track?.rtpParameters as types.RtpParameters);
      }
    }
  });

  test('rid simulcast (Firefox, Chromium offers) gives rid encodings with the mid', () => {
    for (const name of ['firefox-offer', 'chromium-offer']) {
      const [camera] = specs(content(name, 'video')).value;
      expect(camera?.rtpParameters.encodings?.map((e) => e.rid)).toEqual(['q', 'h', 'f']);
      expect(camera?.rtpParameters.mid).toBe('1');
      produceChecks('video', camera?.rtpParameters as types.RtpParameters);
    }
  });

  test('nothing to produce without sources; no common codec is feature-not-implemented', () => {
    const video = content('chromium-answer', 'video');
    const d = video.description;
    if (!d) throw new Error('no description');
    const silent: JingleContent = { ...video, description: { ...d, sources: [], ssrcGroups: [] } };
    expect(producerParameters(silent, { routerRtpCapabilities: ROUTER })).toEqual({
      ok: true,
      value: [],
    });
    const onlyAv1: JingleContent = {
      ...video,
      description: { ...d, payloadTypes: d.payloadTypes.filter((p) => p.name === 'AV1') },
    };
    const result = producerParameters(onlyAv1, { routerRtpCapabilities: ROUTER });
    expect(result.ok || [result.error.condition, result.error.reason]).toEqual([
      'feature-not-implemented',
      'incompatible-parameters',
    ]);
  });
});

describe('consuming', () => {
  test('the participant’s capabilities let mediasoup build a consumer, which becomes a receive-only content', () => {
    const caps = rtpCapabilitiesOf(jingle('chromium-answer-simulcast').contents);
    ortc.validateRtpCapabilities(structuredClone(caps));
    const [camera] = specs(content('wrtc-answer', 'video')).value;
    const consumable = produceChecks('video', camera?.rtpParameters as types.RtpParameters);
    expect(ortc.canConsume(consumable, structuredClone(caps))).toBe(true);
    const consumer = ortc.getConsumerRtpParameters({
      consumableRtpParameters: consumable,
      remoteRtpCapabilities: structuredClone(caps),
      pipe: false,
      enableRtx: true,
    });
    consumer.mid = 'r1';
    const c = consumerContent({
      kind: 'video',
      rtpParameters: consumer,
      streamId: 'stream',
      trackId: 'track',
    });
    expect(c).toMatchObject({ name: 'r1', creator: 'initiator', senders: 'initiator' });
    const d = c.description;
    expect(d?.sources.map((s) => s.ssrc)).toEqual([
      consumer.encodings?.[0]?.ssrc,
      consumer.encodings?.[0]?.rtx?.ssrc,
    ]);
    expect(d?.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: d?.sources.map((s) => s.ssrc) }]);
    expect(d?.sources[0]?.parameters).toContainEqual({ name: 'msid', value: 'stream track' });
    expect(validateJingle({ action: 'content-add', sid: 's', contents: [c], groups: [] }).ok).toBe(
      true,
    );
  });

  test('a consumer without mid is a programmer error', () => {
    expect(() =>
      consumerContent({
        kind: 'audio',
        rtpParameters: { codecs: [] },
        streamId: 's',
        trackId: 't',
      }),
    ).toThrow(TypeError);
  });
});

describe('offers, answers and transports', () => {
  test('offerContent lists the router’s codecs and the header extensions it receives', () => {
    const video = offerContent(ROUTER, { name: 'video', kind: 'video' });
    expect(video).toMatchObject({ name: 'video', creator: 'initiator', senders: 'both' });
    expect(video.description?.payloadTypes.map((p) => [p.id, p.name])).toEqual(
      (ROUTER.codecs ?? [])
        .filter((c) => c.kind === 'video')
        .map((c) => [c.preferredPayloadType, c.mimeType.split('/')[1]]),
    );
    expect(video.description?.headerExtensions.map((h) => h.uri)).toContain(
      'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
    );
    const audio = offerContent(ROUTER, { name: 'audio', kind: 'audio' });
    expect(audio.description?.payloadTypes[0]).toMatchObject({
      name: 'opus',
      clockrate: 48000,
      channels: 2,
    });
    expect(
      validateJingle({ action: 'session-initiate', sid: 's', contents: [audio, video], groups: [] })
        .ok,
    ).toBe(true);
  });

  test('answerContent keeps the offer’s payload types the router supports', () => {
    const offered = content('chromium-offer', 'video');
    const answer = answerContent(offered, ROUTER);
    const names = answer?.description?.payloadTypes.map((p) => p.name);
    expect(names).toContain('VP8');
    expect(names).not.toContain('AV1');
    const ids = new Set(offered.description?.payloadTypes.map((p) => p.id));
    expect(answer?.description?.payloadTypes.every((p) => ids.has(p.id))).toBe(true);
    const h264 = answer?.description?.payloadTypes.filter((p) => p.name === 'H264');
    expect(
      h264?.every((p) =>
        p.parameters.some((q) => q.name === 'packetization-mode' && q.value === '1'),
      ),
    ).toBe(true);
    expect(answer?.description?.sources).toEqual([]);
  });

  test('a WebRtcTransport becomes an ICE-UDP transport; the answer’s setup gives the DTLS role', () => {
    const transport = iceUdpTransportOf({
      iceParameters: { usernameFragment: 'u'.repeat(16), password: 'p'.repeat(32), iceLite: true },
      iceCandidates: [
        {
          foundation: 'udpcandidate',
          priority: 1076558079,
          ip: '127.0.0.1',
          protocol: 'udp',
          port: 40000,
          type: 'host',
          tcpType: undefined,
        },
        {
          foundation: 'tcpcandidate',
          priority: 1076302079,
          ip: '127.0.0.1',
          protocol: 'tcp',
          port: 40001,
          type: 'host',
          tcpType: 'passive',
        },
      ],
      dtlsParameters: {
        role: 'auto',
        fingerprints: [
          { algorithm: 'sha-1', value: 'aa:bb' },
          { algorithm: 'sha-256', value: 'ab:cd:ef' },
        ],
      },
    });
    expect(transport.fingerprints).toEqual([
      { hash: 'sha-256', value: 'AB:CD:EF', setup: 'actpass' },
    ]);
    expect(transport.candidates[1]).toMatchObject({
      protocol: 'tcp',
      tcptype: 'passive',
      component: 1,
      type: 'host',
    });
    expect(transport.gatheringComplete).toBe(true);
    const answer = content('chromium-answer', 'audio').transport;
    const dtls = dtlsParametersOf(answer);
    expect(dtls).toEqual({
      ok: true,
      value: {
        role: 'client',
        fingerprints: [{ algorithm: 'sha-256', value: answer?.fingerprints[0]?.value }],
      },
    });
    const none = dtlsParametersOf({ candidates: [], fingerprints: [], gatheringComplete: false });
    expect(none.ok || none.error.reason).toBe('security-error');
  });
});
