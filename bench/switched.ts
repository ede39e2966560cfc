/**
 * CPU per switched participant: what the SFU's audio mix (decode, mix-minus,
 * Opus encode) and video switches (RTP through Node and back) cost, in a room
 * of 5 and of 20 participants.
 *
 * Every participant sends synthetic RTP into a real mediasoup worker through
 * DirectTransports: Opus packets of its own tone (encoded with libopus up
 * front) and VP8-shaped video at 15 fps and about 360 kbit/s, with a
 * keyframe every 2 s and on request. The script first measures the room as a
 * plain SFU (no switched participant), then makes every participant a
 * switched one: a mix-minus each, a video switch each that follows a rotating
 * "active speaker" (switching every 2 s, never to the viewer itself), and a
 * consumer of both on a PlainTransport to a local UDP sink. The difference,
 * divided by the participants, is the cost per switched participant: Node
 * (this process) and the worker separately.
 *
 * Run: npm run bench:switched  (BENCH_SWITCHED_SECONDS per measure, default 8)
 * The last line is: switched_cpu_pct_at_5=… switched_cpu_pct_at_20=…
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { types as ms } from 'mediasoup';
import { ConfigReader } from '../common/config';
import { configureLogging } from '../common/logger';
import { readFocusConfig } from '../focus/config';
import { MediasoupSfu, type MediasoupRoom } from '../focus/sfu/MediasoupSfu';
import { loadOpus } from '../focus/sfu/mix/opus';
import { FRAME_SAMPLES } from '../focus/sfu/mix/pcm';
import { requestsKeyFrame } from '../focus/sfu/rtp/rtcpFeedback';
import { buildRtpPacket, random32 } from '../focus/sfu/rtp/rtpPacket';
import type { SfuAudioMix, SfuVideoSwitch } from '../focus/sfu/Sfu';
import { sine } from '../test/harness/tone';
import { table } from './stats';

const SECONDS = Number(process.env.BENCH_SWITCHED_SECONDS ?? 8);
const ROOMS = [5, 20];
const VIDEO_FPS = 15;
const VIDEO_PACKETS_PER_FRAME = 3;
const VIDEO_PAYLOAD = 1000;
const KEYFRAME_EVERY_MS = 2000;
const SPEAKER_EVERY_MS = 2000;

/** A participant sending synthetic Opus and VP8 into the room. */
class Sender {
  #audioSeq = random32() & 0xffff;
  #videoSeq = random32() & 0xffff;
  #audioTs = random32();
  #videoTs = random32();
  #pictureId = 0;
  #frame = 0;
  #keyFrameAt = 0;
  #keyFrameWanted = true;

  private constructor(
    readonly id: string,
    readonly transport: ms.DirectTransport,
    readonly audio: ms.Producer,
    readonly video: ms.Producer,
    private readonly opus: Buffer[],
  ) {
    transport.on('rtcp', (packet) => {
      if (requestsKeyFrame(packet, this.video.rtpParameters.encodings?.[0]?.ssrc ?? 0))
        this.#keyFrameWanted = true;
    });
  }

  static async join(room: MediasoupRoom, id: string, opus: Buffer[]): Promise<Sender> {
    const router = room.router;
    const caps = router.rtpCapabilities.codecs ?? [];
    const pt = (mime: string) => caps.find((c) => c.mimeType === mime)?.preferredPayloadType ?? 0;
    const transport = await router.createDirectTransport();
    const appData = { participantId: id, contentName: 'audio' };
    const audio = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [
          { mimeType: 'audio/opus', payloadType: pt('audio/opus'), clockRate: 48000, channels: 2 },
        ],
        encodings: [{ ssrc: random32() }],
      },
      appData,
    });
    const video = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [
          {
            mimeType: 'video/VP8',
            payloadType: pt('video/VP8'),
            clockRate: 90000,
            rtcpFeedback: [{ type: 'nack', parameter: 'pli' }],
          },
        ],
        encodings: [{ ssrc: random32() }],
      },
      appData: { ...appData, contentName: 'video' },
    });
    await room.producerAdded(audio, router);
    await room.producerAdded(video, router);
    return new Sender(id, transport, audio, video, opus);
  }

  /** 20 ms of media: an Opus packet, and a video frame when one is due. */
  tick(now: number): void {
    const payload = this.opus[this.#frame % this.opus.length] ?? Buffer.alloc(3);
    this.audio.send(
      buildRtpPacket(
        {
          payloadType: this.pt(this.audio),
          sequenceNumber: this.#audioSeq++,
          timestamp: this.#audioTs,
          ssrc: this.ssrc(this.audio),
          marker: false,
        },
        payload,
      ),
    );
    this.#audioSeq &= 0xffff;
    this.#audioTs = (this.#audioTs + FRAME_SAMPLES) >>> 0;
    if (this.#frame++ % Math.round(50 / VIDEO_FPS) === 0) this.#videoFrame(now);
  }

  #videoFrame(now: number): void {
    const key = this.#keyFrameWanted || now - this.#keyFrameAt > KEYFRAME_EVERY_MS;
    if (key) {
      this.#keyFrameWanted = false;
      this.#keyFrameAt = now;
    }
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    for (let i = 0; i < VIDEO_PACKETS_PER_FRAME; i++) {
      const payload = Buffer.alloc(VIDEO_PAYLOAD, 0x5a);
      payload[0] = 0x80 | (i === 0 ? 0x10 : 0); // X, S on the first packet
      payload[1] = 0x80; // I: a PictureID follows
      payload.writeUInt16BE(0x8000 | this.#pictureId, 2);
      payload[4] = key ? 0x10 : 0x11; // the VP8 payload header's P bit
      this.video.send(
        buildRtpPacket(
          {
            payloadType: this.pt(this.video),
            sequenceNumber: this.#videoSeq,
            timestamp: this.#videoTs,
            ssrc: this.ssrc(this.video),
            marker: i === VIDEO_PACKETS_PER_FRAME - 1,
          },
          payload,
        ),
      );
      this.#videoSeq = (this.#videoSeq + 1) & 0xffff;
    }
    this.#videoTs = (this.#videoTs + 90000 / VIDEO_FPS) >>> 0;
  }

  private pt(producer: ms.Producer): number {
    return producer.rtpParameters.codecs[0]?.payloadType ?? 0;
  }
  private ssrc(producer: ms.Producer): number {
    return producer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
  }
}

/** CPU milliseconds of this process and of the worker so far. */
function cpuMs(workerPid: number): { node: number; worker: number } {
  const usage = process.cpuUsage();
  const fields = readFileSync(`/proc/${workerPid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime + stime
  return { node: (usage.user + usage.system) / 1000, worker: ticks * 10 };
}

async function measure(workerPid: number): Promise<{ node: number; worker: number }> {
  await new Promise((r) => setTimeout(r, 2000)); // settle
  const start = cpuMs(workerPid);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const end = cpuMs(workerPid);
  // Per second of wall time: ms of CPU per s = tenths of a percent of one core.
  return { node: (end.node - start.node) / SECONDS, worker: (end.worker - start.worker) / SECONDS };
}

async function runRoom(sfu: MediasoupSfu, participants: number, workerPid: number) {
  const room = (await sfu.createRoom(`bench-${participants}`)) as MediasoupRoom;
  const codecs = await loadOpus();
  const senders: Sender[] = [];
  for (let i = 0; i < participants; i++) {
    const encoder = codecs.encoder(32000);
    const tone = Array.from({ length: 50 }, (_, f) =>
      encoder.encode(sine(300 + 50 * i, FRAME_SAMPLES, { t0: f * FRAME_SAMPLES })),
    );
    senders.push(await Sender.join(room, `p${i}`, tone));
  }
  const clock = setInterval(() => {
    const now = performance.now();
    for (const sender of senders) sender.tick(now);
  }, 20);
  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  sink.on('message', () => {});
  try {
    const base = await measure(workerPid);

    const plain = await room.router.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: true,
      comedia: false,
    });
    await plain.connect({ ip: '127.0.0.1', port: sink.address().port });
    const mixes: SfuAudioMix[] = [];
    let cuts = 0;
    const switches: SfuVideoSwitch[] = [];
    for (const sender of senders) {
      const mix = await room.createAudioMix({ exclude: sender.id });
      const videoSwitch = await room.createVideoSwitch();
      videoSwitch.on('switched', (source) => {
        if (source) cuts++;
      });
      mixes.push(mix);
      switches.push(videoSwitch);
      for (const id of [mix.id, videoSwitch.id])
        await plain.consume({ producerId: id, rtpCapabilities: room.router.rtpCapabilities });
    }
    let speaker = 0;
    let previous = 1;
    const follow = async () => {
      for (const [i, videoSwitch] of switches.entries()) {
        const shown = senders[i === speaker ? previous : speaker];
        if (shown) await videoSwitch.select(shown.video.id);
      }
    };
    let following = follow();
    const rotation = setInterval(() => {
      previous = speaker;
      speaker = (speaker + 1) % participants;
      following = following.then(follow);
    }, SPEAKER_EVERY_MS);
    const cutsBefore = cuts;
    const switched = await measure(workerPid);
    const cutsPerSecond = (cuts - cutsBefore) / SECONDS;
    clearInterval(rotation);
    await following;
    const counts = sfu.counts();
    return { base, switched, cutsPerSecond, mixers: counts.mixers, switches: counts.switches };
  } finally {
    clearInterval(clock);
    sink.close();
    room.close();
  }
}

async function main(): Promise<void> {
  if (!process.env.CONFAB_LOG_LEVEL) configureLogging({ level: 'warn' });
  const sfu = await MediasoupSfu.create(
    readFocusConfig(
      new ConfigReader({
        'focus.workers': 1,
        'focus.rtc-port': 0,
        'focus.worker-log-level': 'warn',
      }),
    ),
  );
  const workerPid = sfu.pool.slots[0]?.worker.pid ?? 0;
  const rows: (string | number)[][] = [];
  const perParticipant: Record<number, number> = {};
  try {
    for (const participants of ROOMS) {
      const r = await runRoom(sfu, participants, workerPid);
      const node = (r.switched.node - r.base.node) / participants;
      const worker = (r.switched.worker - r.base.worker) / participants;
      perParticipant[participants] = (node + worker) / 10;
      rows.push([
        participants,
        `${r.mixers}/${r.switches}`,
        r.cutsPerSecond,
        r.base.node / 10,
        r.base.worker / 10,
        r.switched.node / 10,
        r.switched.worker / 10,
        node / 10,
        worker / 10,
        (node + worker) / 10,
      ]);
    }
  } finally {
    await sfu.close();
  }
  console.log('CPU in % of one core; "per switched" = (all switched − plain SFU) / participants');
  console.log(
    table(
      [
        'room',
        'mixes/switches',
        'cuts/s',
        'plain node',
        'plain worker',
        'switched node',
        'switched worker',
        'per switched node',
        'per switched worker',
        'per switched total',
      ],
      rows,
    ),
  );
  console.log(
    ROOMS.map((n) => `switched_cpu_pct_at_${n}=${(perParticipant[n] ?? NaN).toFixed(2)}`).join(' '),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
