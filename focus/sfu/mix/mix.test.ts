import { buildRtpPacket } from '../rtp/rtpPacket';
import { sine, toneEnergy } from '../../../test/harness/tone';
import { JitterBuffer, type JitterPop } from './JitterBuffer';
import { MixEngine, ROOM_MIX } from './MixEngine';
import { MixInput } from './MixInput';
import { loadOpus, type OpusCodecs } from './opus';
import { FRAME_SAMPLES, PcmQueue, saturate } from './pcm';

const kinds = <T>(pops: JitterPop<T>[]) => pops.map((p) => (p.kind === 'packet' ? p.item : p.kind));
const popN = <T>(jb: JitterBuffer<T>, n: number) =>
  kinds(Array.from({ length: n }, () => jb.pop()));

test('the jitter buffer waits for its depth, reorders, and reports a gap as lost', () => {
  const jb = new JitterBuffer<string>({ depth: 2, max: 8 });
  expect(jb.pop().kind).toBe('empty');
  jb.push(11, 'b');
  jb.push(10, 'a');
  jb.push(13, 'd');
  expect(popN(jb, 5)).toEqual(['a', 'b', 'lost', 'd', 'empty']);
  expect(jb.push(12, 'late')).toBe(false);
  expect(jb.stats).toMatchObject({ packets: 3, lost: 1, late: 1 });
});

test('the jitter buffer drops duplicates and wraps sequence numbers', () => {
  const jb = new JitterBuffer<number>({ depth: 1, max: 8 });
  expect(jb.push(65535, 1)).toBe(true);
  expect(jb.push(65535, 1)).toBe(false);
  expect(jb.push(0, 2)).toBe(true);
  expect(jb.push(1, 3)).toBe(true);
  expect(popN(jb, 4)).toEqual([1, 2, 3, 'empty']);
});

test('a lone packet (after a silence) plays once it has waited the depth', () => {
  const jb = new JitterBuffer<string>({ depth: 3, max: 8 });
  jb.push(100, 'x');
  expect(popN(jb, 3)).toEqual(['empty', 'empty', 'x']);
  // After an underrun the next talk spurt skips the unsent numbers without losses.
  jb.push(140, 'y');
  jb.push(141, 'z');
  jb.push(142, 'w');
  expect(popN(jb, 4)).toEqual(['y', 'z', 'w', 'empty']);
  expect(jb.stats.lost).toBe(0);
});

test('the delay is bounded: past max, the oldest packets are skipped', () => {
  const jb = new JitterBuffer<number>({ depth: 2, max: 4 });
  for (let seq = 0; seq < 10; seq++) jb.push(seq, seq);
  expect(jb.size).toBeLessThanOrEqual(4);
  expect(popN(jb, 5)).toEqual([6, 7, 8, 9, 'empty']);
});

test('a jump in sequence numbers is not a burst of losses, and a restart far behind recovers', () => {
  const jb = new JitterBuffer<number>({ depth: 1, max: 4 });
  jb.push(10, 10);
  expect(popN(jb, 1)).toEqual([10]);
  jb.push(30000, 1);
  jb.push(30001, 2);
  expect(popN(jb, 3)).toEqual([1, 2, 'empty']);
  expect(jb.stats.lost).toBe(0);
  // The stream restarts 10000 behind: refused for a while, then taken.
  let accepted = false;
  for (let seq = 20000; seq < 20040 && !accepted; seq++) accepted = jb.push(seq, seq);
  expect(accepted).toBe(true);
});

test('bad jitter buffer options are a programming error', () => {
  expect(() => new JitterBuffer({ depth: 0, max: 4 })).toThrow(TypeError);
  expect(() => new JitterBuffer({ depth: 5, max: 4 })).toThrow(TypeError);
});

test('saturation clamps the mix, and the queue re-frames PCM of any length', () => {
  const out = new Int16Array(3);
  saturate(out, Int32Array.from([40000, -40000, 5]), Int32Array.from([0, 0, 10]));
  expect([...out]).toEqual([32767, -32768, -5]);
  const q = new PcmQueue();
  q.push(Int16Array.from([1, 2, 3]));
  q.push(Int16Array.from([4, 5]));
  expect([...q.take(4)]).toEqual([1, 2, 3, 4]);
  expect([...q.take(3)]).toEqual([5, 0, 0]);
  expect(q.length).toBe(0);
});

describe('with libopus', () => {
  let opus: OpusCodecs;
  beforeAll(async () => {
    opus = await loadOpus();
  });

  /** RTP packets of a tone, 20 ms each. */
  function tonePackets(frequency: number, count: number, seq0 = 1000): Buffer[] {
    const encoder = opus.encoder(32000);
    return Array.from({ length: count }, (_, i) =>
      buildRtpPacket(
        {
          payloadType: 100,
          sequenceNumber: (seq0 + i) & 0xffff,
          timestamp: i * 960,
          ssrc: 1,
          marker: false,
        },
        encoder.encode(sine(frequency, FRAME_SAMPLES, { t0: i * FRAME_SAMPLES })),
      ),
    );
  }

  test('a mix-minus leaves out the excluded participant; the room mix has everyone', () => {
    const engine = new MixEngine(opus);
    engine.addInput('pa', 'alice');
    engine.addInput('pb', 'bob');
    engine.addOutput('alice');
    engine.addOutput(ROOM_MIX);
    const a = tonePackets(500, 50);
    const b = tonePackets(1500, 50, 60000);
    const decoders = { alice: opus.decoder(), room: opus.decoder() };
    const heard = { alice: [] as number[], room: [] as number[] };
    for (let i = 0; i < 50; i++) {
      engine.push('pa', a[i] ?? Buffer.alloc(0));
      engine.push('pb', b[i] ?? Buffer.alloc(0));
      engine.push('unknown', a[i] ?? Buffer.alloc(0));
      const out = engine.tick();
      heard.alice.push(...decoders.alice.decode(out.get('alice') ?? Buffer.alloc(0)));
      heard.room.push(...decoders.room.decode(out.get(ROOM_MIX) ?? Buffer.alloc(0)));
    }
    const settled = (s: number[]) => s.slice(10 * FRAME_SAMPLES);
    const e = (s: number[], f: number) => toneEnergy(settled(s), f);
    expect(e(heard.alice, 1500)).toBeGreaterThan(0.005);
    expect(e(heard.alice, 500)).toBeLessThan(e(heard.alice, 1500) / 100);
    expect(e(heard.room, 500)).toBeGreaterThan(0.005);
    expect(e(heard.room, 1500)).toBeGreaterThan(0.005);

    // Bob leaves: alice's mix falls silent.
    engine.removeInput('pb');
    const after: number[] = [];
    for (let i = 0; i < 10; i++)
      after.push(...decoders.alice.decode(engine.tick().get('alice') ?? Buffer.alloc(0)));
    expect(toneEnergy(after.slice(5 * FRAME_SAMPLES), 1500)).toBeLessThan(1e-5);
  });

  test('a lost packet is concealed and a corrupt one does not stop the input', () => {
    const input = new MixInput('p', 'alice', opus.decoder(), { depth: 1, max: 16 });
    const packets = tonePackets(1000, 12);
    packets.splice(6, 1); // lost
    const corrupt = packets[8] ?? Buffer.alloc(0);
    corrupt.fill(0xff, 12); // garbage payload
    for (const p of packets) input.push(p);
    input.push(Buffer.from([1, 2, 3])); // not RTP
    const frames: (Int16Array | null)[] = [];
    for (let i = 0; i < 13; i++) frames.push(input.next());
    expect(frames.slice(0, 12).map((f) => f?.length)).toEqual(new Array(12).fill(FRAME_SAMPLES));
    expect(frames[12]).toBeNull();
    // The concealed frame carries on the tone instead of a hole.
    expect(toneEnergy(frames[6] ?? [], 1000)).toBeGreaterThan(0.001);
    expect(input.stats).toMatchObject({ lost: 1, corrupt: 1 });
  });

  test('a sender faster than real time cannot make the input hold ever more audio', () => {
    // Every packet claims 60 ms: three times what one frame of the mix plays.
    const encoder = opus.encoder(32000);
    const input = new MixInput('p', 'mallory', opus.decoder(), { depth: 1, max: 16 });
    let played = 0;
    for (let i = 0; i < 200; i++) {
      const payload = encoder.encode(sine(1000, 3 * FRAME_SAMPLES));
      input.push(
        buildRtpPacket(
          { payloadType: 100, sequenceNumber: i, timestamp: i * 2880, ssrc: 1, marker: false },
          payload,
        ),
      );
      if (input.next()) played++;
    }
    expect(played).toBe(200);
    // The surplus is skipped in the jitter buffer, never decoded into a growing backlog.
    expect(input.backlog).toBeLessThan(3 * FRAME_SAMPLES);
    expect(input.stats.skipped).toBeGreaterThan(100);
  });
});
