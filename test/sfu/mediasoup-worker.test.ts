// The offline-built mediasoup worker really works: a real libwebrtc peer
// completes ICE and DTLS with a WebRtcTransport behind a WebRtcServer (UDP and
// TCP on loopback) and sends RTP that the server counts. The SDP is written
// by hand here on purpose: this test checks the worker, not Confab's Jingle.
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { RTCPeerConnection } from '@roamhq/wrtc';
import { parse, write } from 'sdp-transform';
import { findFreePort } from '../../common/net';
import { syntheticAudio } from '../../bot/syntheticMedia';
import { waitFor } from '../harness/wait';

let worker: ms.Worker;
let server: ms.WebRtcServer;
let router: ms.Router;

beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const udp = await findFreePort('127.0.0.1', true);
  const tcp = await findFreePort('127.0.0.1');
  server = await worker.createWebRtcServer({
    listenInfos: [
      { protocol: 'udp', ip: '127.0.0.1', port: udp },
      { protocol: 'tcp', ip: '127.0.0.1', port: tcp },
    ],
  });
  router = await worker.createRouter({
    mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
  });
});

afterAll(() => worker?.close());

async function sendAudioOver(
  protocol: 'udp' | 'tcp',
): Promise<{ bytes: number; tuple: ms.TransportTuple | undefined }> {
  const transport = await router.createWebRtcTransport({
    webRtcServer: server,
    enableUdp: protocol === 'udp',
    enableTcp: protocol === 'tcp',
  });
  const pc = new RTCPeerConnection();
  const audio = syntheticAudio();
  try {
    pc.addTransceiver(audio.track, { direction: 'sendonly' });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const sdp = parse(offer.sdp ?? '');
    const m = sdp.media[0];
    if (!m) throw new Error('offer without m-line');
    const opus = m.rtp.find((r) => r.codec.toLowerCase() === 'opus');
    const ssrc = m.ssrcs?.[0]?.id;
    const fingerprint = m.fingerprint ?? sdp.fingerprint;
    if (!opus || !ssrc || !fingerprint) throw new Error('offer lacks opus, ssrc or fingerprint');

    // The peer offered actpass; we answer passive, so the peer is the DTLS client.
    await transport.connect({
      dtlsParameters: {
        role: 'client',
        fingerprints: [
          {
            algorithm: fingerprint.type as ms.DtlsFingerprint['algorithm'],
            value: fingerprint.hash,
          },
        ],
      },
    });
    const producer = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        mid: String(m.mid),
        codecs: [
          { mimeType: 'audio/opus', payloadType: opus.payload, clockRate: 48000, channels: 2 },
        ],
        encodings: [{ ssrc: Number(ssrc) }],
      },
    });
    const local = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
    const answer = write({
      version: 0,
      origin: {
        username: '-',
        sessionId: 1,
        sessionVersion: 1,
        netType: 'IN',
        ipVer: 4,
        address: '127.0.0.1',
      },
      name: '-',
      timing: { start: 0, stop: 0 },
      icelite: 'ice-lite',
      groups: [{ type: 'BUNDLE', mids: String(m.mid) }],
      media: [
        {
          type: 'audio',
          port: 9,
          protocol: 'UDP/TLS/RTP/SAVPF',
          payloads: String(opus.payload),
          connection: { version: 4, ip: '127.0.0.1' },
          mid: String(m.mid),
          direction: 'recvonly',
          rtcpMux: 'rtcp-mux',
          iceUfrag: transport.iceParameters.usernameFragment,
          icePwd: transport.iceParameters.password,
          fingerprint: { type: 'sha-256', hash: local?.value ?? '' },
          setup: 'passive',
          rtp: [{ payload: opus.payload, codec: 'opus', rate: 48000, encoding: 2 }],
          fmtp: [],
          candidates: transport.iceCandidates.map((c, i) => ({
            foundation: c.foundation,
            component: 1,
            transport: c.protocol,
            priority: c.priority,
            ip: c.ip,
            port: c.port,
            type: c.type,
            ...(c.tcpType ? { tcptype: c.tcpType } : {}),
            generation: 0,
            'network-id': i,
          })),
          endOfCandidates: 'end-of-candidates',
        },
      ],
    });
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await waitFor(
      'RTP at the producer',
      async () => ((await producer.getStats())[0]?.byteCount ?? 0) > 2000,
    );
    expect(transport.dtlsState).toBe('connected');
    return {
      bytes: (await producer.getStats())[0]?.byteCount ?? 0,
      tuple: transport.iceSelectedTuple,
    };
  } finally {
    audio.stop();
    pc.close();
    transport.close();
  }
}

test('a libwebrtc peer sends RTP to the worker over UDP', async () => {
  const { bytes, tuple } = await sendAudioOver('udp');
  expect(bytes).toBeGreaterThan(2000);
  expect(tuple?.protocol).toBe('udp');
});

test('a libwebrtc peer sends RTP to the worker over ICE-TCP', async () => {
  const { bytes, tuple } = await sendAudioOver('tcp');
  expect(bytes).toBeGreaterThan(2000);
  expect(tuple?.protocol).toBe('tcp');
});
