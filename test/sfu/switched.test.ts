// The SFU's own tracks for switched sessions, with a real mediasoup worker and
// real libwebrtc peers on MediasoupEndpoints: a mix-minus (decoded, mixed and
// re-encoded with libopus) carries everyone's voice but the excluded one's,
// and a video switch moves one stable stream from one sender to another on a
// keyframe, without the receiver's decoder breaking. Senders are told apart
// by tone frequency and by frame size.
import { ConfigReader } from '../../common/config';
import { InvalidStateError } from '../../common/errors';
import { readFocusConfig } from '../../focus/config';
import { MediasoupSfu } from '../../focus/sfu/MediasoupSfu';
import { toneEnergy } from '../harness/tone';
import { waitFor } from '../harness/wait';
import { SfuPeer } from './sfuPeer';

jest.setTimeout(60000);

let sfu: MediasoupSfu;
const peers: SfuPeer[] = [];

beforeAll(async () => {
  sfu = await MediasoupSfu.create(
    readFocusConfig(
      new ConfigReader({
        'focus.workers': 1,
        'focus.rtc-port': 0,
        'focus.worker-log-level': 'warn',
      }),
    ),
  );
});

afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

afterAll(() => sfu?.close());

const A_HZ = 500;
const B_HZ = 1500;
const LEVEL = 0.3;
/** Goertzel power of a steady tone at LEVEL is (LEVEL / 2)² ≈ 0.02; a tenth of it counts as heard. */
const HEARD = 0.002;

async function join(...args: Parameters<typeof SfuPeer.join>): Promise<SfuPeer> {
  const peer = await SfuPeer.join(...args);
  peers.push(peer);
  return peer;
}

test('a mix-minus carries everyone but the excluded participant, and follows producers as they come and go', async () => {
  const room = await sfu.createRoom('mix');
  const alice = await join(sfu, room, 'alice', {
    audio: { frequency: A_HZ, level: LEVEL, steady: true },
  });
  const minusAlice = await room.createAudioMix({ exclude: 'alice' });
  const everyone = await room.createAudioMix();
  expect(sfu.counts()).toMatchObject({ mixers: 2 });
  // Bob starts sending after the mixes exist.
  const bob = await join(sfu, room, 'bob', {
    audio: { frequency: B_HZ, level: LEVEL, steady: true },
  });
  const carol = await join(sfu, room, 'carol', { receive: [minusAlice.id, everyone.id] });

  const energy = (mid: string, hz: number) =>
    toneEnergy(carol.recentAudio(mid, 1), hz, carol.sampleRate);
  await waitFor(
    'both tones in the room mix',
    () => energy('r1', A_HZ) > HEARD && energy('r1', B_HZ) > HEARD,
  );
  await waitFor("Bob's tone in the mix without Alice", () => energy('r0', B_HZ) > HEARD);
  // A whole second of the mix-minus, all after Bob was heard: Alice is not in it.
  await new Promise((r) => setTimeout(r, 1000));
  expect(energy('r0', B_HZ)).toBeGreaterThan(HEARD);
  expect(energy('r0', A_HZ)).toBeLessThan(energy('r0', B_HZ) / 100);

  // Bob leaves: the mix without Alice falls silent while the room mix keeps Alice.
  bob.close();
  await waitFor("Bob's tone gone", () => energy('r0', B_HZ) < HEARD / 100);
  expect(energy('r1', A_HZ)).toBeGreaterThan(HEARD);
  expect(alice.producer('audio').closed).toBe(false);

  // Closing the mixes closes the receivers' consumers and the mixer.
  minusAlice.close();
  minusAlice.close();
  expect(sfu.counts()).toMatchObject({ mixers: 1 });
  everyone.close();
  await waitFor('consumers of the mixes closed', () => carol.consumers.every((c) => c.closed));
  expect(sfu.counts()).toMatchObject({ mixers: 0, switches: 0 });
  room.close();
});

test('a video switch moves one stream from A to B on a keyframe, and the decoder goes on', async () => {
  const room = await sfu.createRoom('switch');
  const alice = await join(sfu, room, 'alice', { video: { width: 320, height: 240, fps: 15 } });
  const bob = await join(sfu, room, 'bob', { video: { width: 160, height: 120, fps: 15 } });
  const videoSwitch = await room.createVideoSwitch({ exclude: 'carol' });
  expect(await videoSwitch.select(alice.producer('video').id)).toBe(true);
  // Carol sends her camera and receives the switch, which never shows her own video.
  const carol = await join(sfu, room, 'carol', {
    video: { width: 64, height: 64 },
    receive: [videoSwitch.id],
  });
  expect(await videoSwitch.select(carol.producer('video').id)).toBe(false);
  const frames = () => carol.frames.get('r0') ?? [];
  await waitFor("Alice's frames", () => frames().filter((f) => f.width === 320).length >= 10);
  expect(videoSwitch.source).toBe(alice.producer('video').id);

  const switched = new Promise((resolve) => videoSwitch.once('switched', resolve));
  const selectedAt = Date.now();
  expect(await videoSwitch.select(bob.producer('video').id)).toBe(true);
  expect(videoSwitch.pending).toBe(bob.producer('video').id);
  expect(await switched).toBe(bob.producer('video').id);
  await waitFor("Bob's frames", () => frames().some((f) => f.width === 160), 5000);
  const firstBob = frames().findIndex((f) => f.width === 160);
  await waitFor('frames keep decoding after the switch', () => frames().length >= firstBob + 15);

  const after = frames().slice(firstBob);
  expect(after.every((f) => f.width === 160 && f.height === 120)).toBe(true);
  // No freeze at the switch: decoded frames never stopped for long.
  const around = frames().filter((f) => f.at >= selectedAt - 1000);
  const gaps = around.slice(1).map((f, i) => f.at - (around[i]?.at ?? f.at));
  expect(Math.max(...gaps)).toBeLessThan(2000);
  // One stream all along: the receiver saw a single video SSRC.
  const report = await carol.peer.pc.getStats();
  const inbound: { ssrc: number; keyFramesDecoded?: number }[] = [];
  report.forEach((s: { type: string; kind?: string; ssrc: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') inbound.push(s);
  });
  expect(inbound).toHaveLength(1);
  expect(inbound[0]?.keyFramesDecoded ?? 0).toBeGreaterThanOrEqual(2);

  // What a switch refuses: unknown, audio, or its own output.
  expect(await videoSwitch.select('no-such-producer')).toBe(false);
  expect(await videoSwitch.select(videoSwitch.id)).toBe(false);
  expect(videoSwitch.source).toBe(bob.producer('video').id);

  // The source leaves: the switch says so and carries nothing.
  const gone = new Promise((resolve) => videoSwitch.once('switched', resolve));
  bob.close();
  expect(await gone).toBeNull();
  expect(videoSwitch.source).toBeNull();

  expect(sfu.counts()).toMatchObject({ switches: 1 });
  videoSwitch.close();
  videoSwitch.close();
  await expect(videoSwitch.select(alice.producer('video').id)).rejects.toThrow(InvalidStateError);
  await waitFor("the switch's consumer closed", () => carol.consumers.every((c) => c.closed));
  expect(sfu.counts()).toMatchObject({ mixers: 0, switches: 0 });
  room.close();
});

test('closing the room closes its mixes and switches', async () => {
  const room = await sfu.createRoom('cascade');
  const alice = await join(sfu, room, 'alice', { audio: true, video: true });
  const mix = await room.createAudioMix({ exclude: 'alice' });
  const shared = await room.createAudioMix({ exclude: 'alice' });
  expect(shared.id).toBe(mix.id);
  const videoSwitch = await room.createVideoSwitch({ codec: 'H264' });
  expect(await videoSwitch.select(alice.producer('audio').id)).toBe(false);
  expect(sfu.counts()).toMatchObject({ mixers: 1, switches: 1 });
  room.close();
  expect(mix.closed && shared.closed && videoSwitch.closed).toBe(true);
  expect(sfu.counts()).toMatchObject({ mixers: 0, switches: 0, transports: 0 });
  await expect(room.createAudioMix()).rejects.toThrow(InvalidStateError);
  await expect(room.createVideoSwitch()).rejects.toThrow(InvalidStateError);
});
