/**
 * A load test for operators: `npm run load -- --url http://host:8080 …`
 * (options: bench/loadOptions.ts). It reads the server's
 * /client-config.json, connects real libwebrtc participants over the XMPP
 * WebSocket as the web client does (with its STUN/TURN from XEP-0215),
 * publishers first, then subscribers, keeps them in one room for the
 * duration with a progress line, and prints the join-time percentiles per
 * step and, per subscriber, the received bit rate, packet loss and decoded
 * frame rate. Exits 1 when a participant could not connect or a subscriber
 * received no video, 2 on a bad option.
 */
import { ConferenceBot } from '../bot/ConferenceBot';
import { JOIN_STEPS } from '../bot/JoinTimeline';
import type { RemoteTrackStats } from '../bot/stats';
import { configureLogging } from '../common/logger';
import { parseClientConfig, websocketUrl, type ClientConfig } from '../web-client/src/config';
import { LOAD_USAGE, LoadOptionError, parseLoadOptions, type LoadOptions } from './loadOptions';
import { percentile, table } from './stats';

const JOIN_TIMEOUT_MS = 20000;
const CONFIG_TIMEOUT_MS = 5000;
const PROGRESS_MS = 1000;

interface Participant {
  nick: string;
  bot: ConferenceBot;
  publisher: boolean;
}

class LoadError extends Error {}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(LOAD_USAGE);
    return 0;
  }
  const options = parseLoadOptions(argv);
  if (!process.env.CONFAB_LOG_LEVEL) configureLogging({ level: 'error' });
  const config = await clientConfig(options.url);
  const service = websocketUrl(config, options.url);
  const total = options.publishers + options.subscribers;
  console.log(
    `load: ${options.publishers} publisher(s) and ${options.subscribers} subscriber(s) in ` +
      `${options.room}@${config.mucDomain} via ${service}, ${options.durationS} s`,
  );

  const participants: Participant[] = [];
  const failures: string[] = [];
  const progress = new Progress();
  try {
    for (let i = 0; i < total; i++) {
      const publisher = i < options.publishers;
      const nick = publisher ? `pub${i + 1}` : `sub${i - options.publishers + 1}`;
      progress.show(`joining ${nick} (${i + 1}/${total}), ${failures.length} failed`);
      try {
        const bot = await join(options, config, service, nick, publisher);
        participants.push({ nick, bot, publisher });
      } catch (error) {
        failures.push(`${nick}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const subscribers = participants.filter((p) => !p.publisher);
    const start = await sample(subscribers);
    const t0 = performance.now();
    let last = { at: t0, stats: start };
    while (performance.now() - t0 < options.durationS * 1000) {
      await new Promise((r) => setTimeout(r, PROGRESS_MS));
      const now = { at: performance.now(), stats: await sample(subscribers) };
      const rx = sumBits(last.stats, now.stats) / ((now.at - last.at) / 1000);
      const connected = participants.filter((p) => p.bot.peer?.pc.connectionState === 'connected');
      progress.show(
        `${Math.round((now.at - t0) / 1000)}/${options.durationS} s  ` +
          `${connected.length}/${total} connected  ` +
          `subscribers receive ${(rx / 1e6).toFixed(2)} Mbit/s in all`,
      );
      last = now;
    }
    progress.done();
    const end = { at: last.at, stats: last.stats };
    report(participants, start, end.stats, (end.at - t0) / 1000, options, failures);
  } finally {
    progress.done();
    await Promise.all(participants.map((p) => p.bot.leave().catch(() => {})));
  }
  for (const failure of failures) console.error(`load: FAILED ${failure}`);
  return failures.length ? 1 : 0;
}

async function clientConfig(url: URL): Promise<ClientConfig> {
  const where = new URL('/client-config.json', url);
  let body: unknown;
  try {
    const response = await fetch(where, { signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${where.pathname}`);
    body = await response.json();
  } catch (error) {
    throw new LoadError(
      `cannot reach Confab at ${url.origin}: ${reason(error)}. Is the server running, and is this its web address?`,
    );
  }
  try {
    return parseClientConfig(body);
  } catch (error) {
    throw new LoadError(`${url.origin} is not a Confab server: ${reason(error)}`);
  }
}

async function join(
  o: LoadOptions,
  config: ClientConfig,
  service: string,
  nick: string,
  publisher: boolean,
): Promise<ConferenceBot> {
  const bot = await ConferenceBot.join({
    service,
    domain: config.guestDomain,
    room: `${o.room}@${config.mucDomain}`,
    nick,
    focus: config.focusDomain,
    audio: publisher,
    video: publisher ? o.video : false,
    simulcast: publisher && o.simulcast ? 3 : 1,
    useExternalServices: true,
    timeoutMs: JOIN_TIMEOUT_MS,
  });
  try {
    await bot.timeline.when('DTLS connected', JOIN_TIMEOUT_MS);
  } catch {
    await bot.crash();
    throw new Error(`no media connection (ICE/DTLS) within ${JOIN_TIMEOUT_MS / 1000} s`);
  }
  return bot;
}

type Sample = Map<ConferenceBot, RemoteTrackStats[]>;

async function sample(participants: Participant[]): Promise<Sample> {
  const entries = await Promise.all(
    participants.map(async (p) => [p.bot, await p.bot.stats()] as const),
  );
  return new Map(entries);
}

/** Per content, `to` minus `from` (a content absent at the start counts from zero). */
function delta(from: RemoteTrackStats[] = [], to: RemoteTrackStats[] = []) {
  return to.map((t) => {
    const f = from.find((x) => x.content === t.content);
    return {
      kind: t.kind,
      bytes: t.bytes - (f?.bytes ?? 0),
      packets: t.packets - (f?.packets ?? 0),
      lost: Math.max(0, t.packetsLost - (f?.packetsLost ?? 0)),
      frames: t.framesDecoded - (f?.framesDecoded ?? 0),
    };
  });
}

function sumBits(from: Sample, to: Sample): number {
  let bytes = 0;
  for (const [bot, stats] of to) for (const d of delta(from.get(bot), stats)) bytes += d.bytes;
  return bytes * 8;
}

function report(
  participants: Participant[],
  start: Sample,
  end: Sample,
  seconds: number,
  o: LoadOptions,
  failures: string[],
): void {
  console.log('\njoin, ms from its start (every participant that connected)');
  const stepRows = JOIN_STEPS.flatMap((step) => {
    const times = participants.flatMap((p) => p.bot.timeline.at(step) ?? []);
    if (!times.length) return [];
    const row: (string | number)[] = [step, times.length];
    for (const p of [50, 95]) row.push(Math.round(percentile(times, p)));
    return [[...row, Math.round(Math.max(...times))]];
  });
  console.log(table(['step', 'participants', 'p50', 'p95', 'max'], stepRows));

  const rows: (string | number)[][] = [];
  for (const p of participants.filter((x) => !x.publisher)) {
    const d = delta(start.get(p.bot), end.get(p.bot));
    const video = d.filter((x) => x.kind === 'video' && x.packets > 0);
    const packets = d.reduce((n, x) => n + x.packets, 0);
    const lost = d.reduce((n, x) => n + x.lost, 0);
    const fps = video.length ? video.reduce((n, x) => n + x.frames, 0) / video.length / seconds : 0;
    rows.push([
      p.nick,
      Math.round((d.reduce((n, x) => n + x.bytes, 0) * 8) / seconds / 1000),
      `${((100 * lost) / Math.max(1, packets + lost)).toFixed(2)} %`,
      `${video.length}/${o.publishers}`,
      fps.toFixed(1),
    ]);
    if (o.publishers > 0 && video.length < o.publishers)
      failures.push(`${p.nick}: received video from ${video.length} of ${o.publishers} publishers`);
  }
  if (rows.length) {
    console.log(`\nper subscriber, over the last ${seconds.toFixed(0)} s`);
    console.log(table(['subscriber', 'kbit/s', 'loss', 'videos', 'decoded fps per video'], rows));
  }
  const frame = participants.flatMap((p) =>
    p.publisher ? [] : (p.bot.timeline.at('first frame') ?? []),
  );
  const connected = participants.flatMap((p) => p.bot.timeline.at('DTLS connected') ?? []);
  console.log(
    `\nparticipants=${participants.length}/${o.publishers + o.subscribers} failed=${failures.length} ` +
      `join_connected_p50_ms=${Math.round(percentile(connected, 50))} join_connected_p95_ms=${Math.round(percentile(connected, 95))} ` +
      `join_first_frame_p50_ms=${Math.round(percentile(frame, 50))} join_first_frame_p95_ms=${Math.round(percentile(frame, 95))}`,
  );
}

/** One line that rewrites itself on a terminal, and prints every few seconds elsewhere. */
class Progress {
  #lastPrinted = 0;
  #open = false;
  show(line: string): void {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line.padEnd(78)}`);
      this.#open = true;
    } else if (performance.now() - this.#lastPrinted >= 5000) {
      process.stderr.write(`${line}\n`);
      this.#lastPrinted = performance.now();
    }
  }
  done(): void {
    if (this.#open) process.stderr.write('\n');
    this.#open = false;
  }
}

function reason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host';
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer';
  return cause instanceof Error ? cause.message : String(cause);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LoadOptionError) {
      console.error(`load: ${error.message}\n\n${LOAD_USAGE}`);
      process.exit(2);
    }
    console.error(`load: ${error instanceof LoadError ? error.message : String(error)}`);
    process.exit(1);
  },
);
