/**
 * SFU forwarding capacity: one mediasoup worker, one router, one synthetic
 * 1 Mbit/s VP8 producer, and N consumers on PlainTransports, once with SRTP
 * (AES_CM_128_HMAC_SHA1_80, as every participant's media is) and once without.
 *
 * The RTP generator and the sink that counts delivered packets run in a
 * forked child, so they do not share the event loop that drives the worker.
 * N grows in steps; at each step the worker's own CPU time
 * (getResourceUsage) and packet counters give:
 *  - its share of one core;
 *  - µs of worker CPU per forwarded packet;
 *  - loss: packets the worker failed to take in (generator → producer) or to
 *    forward (producer → each consumer). Packets the sink itself missed are
 *    shown apart ("sink got"): the sink is Node, on the same 2 cores.
 * A mode stops at the first step over 1 % loss or 95 % of a core.
 *
 * Run: npm run bench:sfu   (BENCH_SFU_STEPS="100,200,…", BENCH_SFU_SECONDS=4)
 * The last line is: srtp_consumers_per_core=… plain_consumers_per_core=… …
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { MEDIA_CODECS } from '../focus/sfu/codecs';
import { table } from './stats';

const STEPS = (process.env.BENCH_SFU_STEPS ?? '100,200,300,400,500,600,800,1000')
  .split(',')
  .map(Number);
const SECONDS = Number(process.env.BENCH_SFU_SECONDS ?? 4);
const WARMUP_MS = 1500;
const DRAIN_MS = 300;
const PAYLOAD_TYPE = 101;
const SSRC = 0x11223344;
const FPS = 30;
const PACKETS_PER_FRAME = 4;
/** 4 × 1040-byte packets × 30 fps ≈ 1 Mbit/s. */
const PAYLOAD_BYTES = 1024;
const PPS = FPS * PACKETS_PER_FRAME;
const SUITE: ms.SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80';
const MAX_LOSS = 0.01;
const MAX_CORE = 0.8;

// --- generator and sink (child process) ------------------------------------

interface Counts {
  sent: number;
  /** RTP packets the sink got, from all consumers. */
  delivered: number;
}

type ToChild = { start: number } | { pause: true } | { counts: true };
type FromChild = { sinkPort: number } | Counts;

function vp8Packet(seq: number, timestamp: number, first: boolean, last: boolean, key: boolean) {
  const packet = Buffer.alloc(12 + 4 + PAYLOAD_BYTES);
  packet[0] = 0x80;
  packet[1] = (last ? 0x80 : 0) | PAYLOAD_TYPE;
  packet.writeUInt16BE(seq & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(SSRC, 8);
  // VP8 payload descriptor (RFC 7741): X, S; I with a 15-bit picture id.
  packet[12] = 0x80 | (first ? 0x10 : 0);
  packet[13] = 0x80;
  packet.writeUInt16BE(0x8000 | ((timestamp / 3000) & 0x7fff), 14);
  // VP8 payload header: bit 0 clear on a key frame.
  packet[16] = key ? 0x00 : 0x01;
  return packet;
}

async function udp(port = 0): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return socket;
}

function reply(message: FromChild): void {
  process.send?.(message);
}

async function child(): Promise<void> {
  const counts: Counts = { sent: 0, delivered: 0 };
  const sink = await udp();
  sink.on('message', (m) => {
    // RTP only (RTCP packet types 200–206 have bit 7 of byte 1 set with 72–78 left).
    if (m.length > 12 && ((m[1] ?? 0) & 0x7f) === PAYLOAD_TYPE) counts.delivered++;
  });
  const sender = await udp();
  let wantKey = true;
  sender.on('message', (m) => {
    if (m[1] === 206) wantKey = true; // PSFB: PLI or FIR
  });
  let target = 0;
  let seq = 0;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    // Frames are due by the clock since the last (re)start: no burst after a pause.
    const t0 = performance.now();
    const first = frame;
    timer = setInterval(() => {
      const due = first + Math.floor(((performance.now() - t0) / 1000) * FPS);
      for (; frame < due; frame++) {
        const key = wantKey || frame % FPS === 0;
        wantKey = false;
        for (let i = 0; i < PACKETS_PER_FRAME; i++) {
          const p = vp8Packet(seq++, frame * 3000, i === 0, i === PACKETS_PER_FRAME - 1, key);
          sender.send(p, target, '127.0.0.1');
          counts.sent++;
        }
      }
    }, 5);
  };
  process.on('message', (msg: ToChild) => {
    if ('counts' in msg) return reply({ ...counts });
    clearInterval(timer);
    if ('start' in msg) {
      target = msg.start;
      run();
    }
    reply({ ...counts });
  });
  reply({ sinkPort: sink.address().port });
}

// --- worker side (main process) --------------------------------------------

class Load {
  #child: ChildProcess;
  #waiting: ((m: FromChild) => void)[] = [];
  /** The child's first message: the sink's port. */
  #ready: Promise<FromChild>;
  constructor() {
    this.#child = fork(__filename, ['child'], { stdio: 'inherit' });
    this.#child.on('message', (m: FromChild) => this.#waiting.shift()?.(m));
    this.#ready = this.#ask(undefined);
  }
  #ask(msg: ToChild | undefined): Promise<FromChild> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (msg) this.#child.send(msg);
    });
  }
  async sinkPort(): Promise<number> {
    return ((await this.#ready) as { sinkPort: number }).sinkPort;
  }
  async start(port: number): Promise<void> {
    await this.#ask({ start: port });
  }
  async pause(): Promise<void> {
    await this.#ask({ pause: true });
  }
  async counts(): Promise<Counts> {
    return (await this.#ask({ counts: true })) as Counts;
  }
  stop(): void {
    this.#child.kill();
  }
}

interface Step {
  consumers: number;
  core: number;
  usPerPacket: number;
  loss: number;
  sinkGot: number;
}

async function snapshot(producer: ms.Producer, consumers: ms.Consumer[]) {
  const [p] = (await producer.getStats()) as ms.ProducerStat[];
  let forwarded = 0;
  for (let i = 0; i < consumers.length; i += 100) {
    const stats = await Promise.all(consumers.slice(i, i + 100).map((c) => c.getStats()));
    for (const s of stats) forwarded += s.find((x) => x.type === 'outbound-rtp')?.packetCount ?? 0;
  }
  return { received: p?.packetCount ?? 0, forwarded };
}

async function runMode(worker: ms.Worker, srtp: boolean): Promise<Step[]> {
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const load = new Load();
  const sinkPort = await load.sinkPort();
  const ingress = await router.createPlainTransport({
    listenIp: '127.0.0.1',
    rtcpMux: true,
    comedia: true,
  });
  const producer = await ingress.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: PAYLOAD_TYPE,
          clockRate: 90000,
          rtcpFeedback: [{ type: 'nack', parameter: 'pli' }],
        },
      ],
      encodings: [{ ssrc: SSRC }],
      rtcp: { cname: 'bench' },
    },
  });
  await load.start(ingress.tuple.localPort);
  const consumers: ms.Consumer[] = [];
  const steps: Step[] = [];
  try {
    for (const target of STEPS) {
      while (consumers.length < target) {
        const batch = Math.min(50, target - consumers.length);
        consumers.push(...(await Promise.all(Array.from({ length: batch }, addConsumer))));
      }
      await sleep(WARMUP_MS);
      // Counters are read while the generator is paused and the worker has
      // drained, so all of them cover exactly the same packets.
      const quiet = async () => {
        await load.pause();
        await sleep(DRAIN_MS);
        const counters = { ...(await snapshot(producer, consumers)), ...(await load.counts()) };
        await load.start(ingress.tuple.localPort);
        return counters;
      };
      const a = await quiet();
      const cpuA = await worker.getResourceUsage();
      const wallA = performance.now();
      await sleep(SECONDS * 1000);
      const cpuB = await worker.getResourceUsage();
      const wallB = performance.now();
      const b = await quiet();
      const cpuMs = cpuB.ru_utime + cpuB.ru_stime - (cpuA.ru_utime + cpuA.ru_stime);
      const sent = b.sent - a.sent;
      const received = b.received - a.received;
      const forwarded = b.forwarded - a.forwarded;
      const ingressLoss = Math.max(0, 1 - received / sent);
      const egressLoss = Math.max(0, 1 - forwarded / (received * consumers.length));
      const step: Step = {
        consumers: consumers.length,
        core: cpuMs / (wallB - wallA),
        usPerPacket: (cpuMs * 1000) / forwarded,
        loss: 1 - (1 - ingressLoss) * (1 - egressLoss),
        sinkGot: (b.delivered - a.delivered) / (sent * consumers.length),
      };
      steps.push(step);
      if (step.loss > MAX_LOSS || step.core > 0.95) break;
    }
  } finally {
    load.stop();
    router.close();
  }
  return steps;

  async function addConsumer(): Promise<ms.Consumer> {
    const transport = await router.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: true,
      comedia: false,
      ...(srtp ? { enableSrtp: true, srtpCryptoSuite: SUITE } : {}),
    });
    await transport.connect({
      ip: '127.0.0.1',
      port: sinkPort,
      ...(srtp
        ? { srtpParameters: { cryptoSuite: SUITE, keyBase64: randomBytes(30).toString('base64') } }
        : {}),
    });
    return transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The largest step within the loss and CPU limits, and the per-core figure its CPU implies. */
function capacity(steps: Step[]): { atLimits: number; perCore: number; usPerPacket: number } {
  const ok = steps.filter((s) => s.loss < MAX_LOSS && s.core < MAX_CORE);
  const best = ok[ok.length - 1];
  if (!best) return { atLimits: 0, perCore: 0, usPerPacket: NaN };
  return {
    atLimits: best.consumers,
    perCore: Math.floor(best.consumers / best.core),
    usPerPacket: best.usPerPacket,
  };
}

async function main(): Promise<void> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const rows: (string | number)[][] = [];
  const result: Record<string, ReturnType<typeof capacity>> = {};
  try {
    for (const srtp of [true, false]) {
      const mode = srtp ? 'srtp' : 'plain';
      const steps = await runMode(worker, srtp);
      for (const s of steps) {
        rows.push([
          mode,
          s.consumers,
          `${(s.core * 100).toFixed(0)} %`,
          s.usPerPacket.toFixed(2),
          `${(s.loss * 100).toFixed(2)} %`,
          `${(s.sinkGot * 100).toFixed(1)} %`,
        ]);
      }
      result[mode] = capacity(steps);
    }
  } finally {
    worker.close();
  }
  console.log(
    `one worker, ${PPS} packets/s ≈ 1 Mbit/s VP8 in, ${SECONDS} s per step; worker CPU from getResourceUsage`,
  );
  console.log(table(['mode', 'consumers', 'worker core', 'µs/packet', 'loss', 'sink got'], rows));
  const { srtp, plain } = result as Record<'srtp' | 'plain', ReturnType<typeof capacity>>;
  console.log(
    `srtp_consumers_at_limits=${srtp.atLimits} srtp_consumers_per_core=${srtp.perCore} srtp_us_per_packet=${srtp.usPerPacket.toFixed(2)} ` +
      `plain_consumers_at_limits=${plain.atLimits} plain_consumers_per_core=${plain.perCore} plain_us_per_packet=${plain.usPerPacket.toFixed(2)} ` +
      `plain_vs_srtp_per_core=${(plain.perCore / srtp.perCore).toFixed(2)}`,
  );
}

if (process.argv[2] === 'child') {
  void child();
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
