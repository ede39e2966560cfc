import { formatStats, StatsSampler, type TrackStats } from './stats';

type Report = Record<string, unknown> & { id: string; type: string; timestamp: number };

/** Just enough of an RTCPeerConnection for getStats() and the transceivers' mids. */
function fakePc(reports: Report[]): RTCPeerConnection {
  return {
    getStats: async () => new Map(reports.map((r) => [r.id, r])),
    getTransceivers: () => [],
  } as unknown as RTCPeerConnection;
}

test('rates, loss and round-trip time between two samples', async () => {
  const sampler = new StatsSampler();
  const at = (
    t: number,
    bytes: number,
    packets: number,
    lost: number,
    frames: number,
  ): Report[] => [
    { id: 'T', type: 'transport', timestamp: t, selectedCandidatePairId: 'CP' },
    { id: 'CP', type: 'candidate-pair', timestamp: t, currentRoundTripTime: 0.042 },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      mid: 'p1-video',
      timestamp: t,
      bytesReceived: bytes,
      packetsReceived: packets,
      packetsLost: lost,
      framesDecoded: frames,
      frameWidth: 640,
      frameHeight: 360,
      framesPerSecond: 30,
    },
    {
      id: 'OV1',
      type: 'outbound-rtp',
      kind: 'video',
      mid: 'video',
      timestamp: t,
      bytesSent: bytes,
      packetsSent: packets,
      frameWidth: 320,
      frameHeight: 180,
    },
    {
      id: 'OV2',
      type: 'outbound-rtp',
      kind: 'video',
      mid: 'video',
      timestamp: t,
      bytesSent: 2 * bytes,
      packetsSent: packets,
      frameWidth: 640,
      frameHeight: 360,
    },
    {
      id: 'RI',
      type: 'remote-inbound-rtp',
      localId: 'OV2',
      timestamp: t,
      roundTripTime: 0.05,
      fractionLost: 0.02,
    },
  ];
  await sampler.sample(fakePc(at(1000, 10000, 100, 0, 10)));
  const s = await sampler.sample(fakePc(at(2000, 135000, 190, 10, 40)));
  const video = s.inbound.get('p1-video') as TrackStats;
  expect(video.bitrateKbps).toBeCloseTo(1000);
  expect(video.lossPct).toBeCloseTo(10);
  expect(video.rttMs).toBeCloseTo(42);
  expect(video.framesDecoded).toBe(40);
  const sent = s.outbound.get('video') as TrackStats;
  expect(sent.layers).toBe(2);
  expect([sent.width, sent.height]).toEqual([640, 360]);
  expect(sent.bitrateKbps).toBeCloseTo(3000);
  expect(sent.rttMs).toBeCloseTo(50);
  expect(sent.lossPct).toBeCloseTo(2);
  expect(formatStats(video, undefined)).toBe(
    'bitrate  1.00 Mb/s\nvideo    640×360 @ 30 fps\nloss     10.0 %\nrtt      42 ms',
  );
  expect(formatStats(undefined, undefined)).toContain('video    —');
});
