/**
 * Relayed packets per second and added latency through Confab's TURN server
 * against Debian's coturn, on the same loopback in the same run.
 *
 * Each server gets the same load from a separate process (so the load does
 * not share Confab's event loop): a few allocations with a channel to an echo
 * peer (coturn's turnutils_peer), each keeping a window of ChannelData packets
 * in flight; every echo is two relayed packets (client→peer, peer→client).
 * Latency is a sequential ping through one channel, minus the same ping sent
 * directly to the peer.
 *
 * Two interleaved rounds per server (the machine is shared and noisy); the
 * best round of each is reported.
 *
 * Run: npm run bench:turn  (BENCH_TURN_SECONDS per round, default 8)
 * The last line is: turn_pps=… coturn_pps=… turn_vs_coturn=…
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { findFreePort } from '../common/net';
import { configureLogging } from '../common/logger';
import { issueCredentials } from '../turn/credentials';
import { DEFAULT_DENIED_PEER_RANGES } from '../turn/peerPolicy';
import { decodeChannelData, encodeChannelData } from '../turn/stun/channelData';
import { TurnServer } from '../turn/TurnServer';
import { StunClient } from '../test/turn/stunClient';
import { startCoturn, startEchoPeer } from './coturn';
import { percentile, table } from './stats';

interface Endpoint {
  address: string;
  port: number;
}

interface LoadPlan {
  server: Endpoint;
  /** The echo peer (coturn's turnutils_peer, in C, so the load generator only plays clients). */
  peer: Endpoint;
  credentials: { username: string; password: string };
  clients: number;
  window: number;
  seconds: number;
  payload: number;
  pings: number;
}

interface LoadResult {
  echoes: number;
  lost: number;
  seconds: number;
  relayRtt: number[];
  /** Relayed minus direct round trip, ping by ping. */
  addedRtt: number[];
}

const CHANNEL = 0x4000;
const SECONDS = Number(process.env.BENCH_TURN_SECONDS ?? 8);
const ROUNDS = 2;

// --- load generator (child process) ----------------------------------------

async function bindSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** One request/response path; ping() resolves with the round trip in ms, or undefined after 1 s. */
function pinger(
  send: (seq: number) => void,
  onReply: (handler: (seq: number) => void) => void,
): (seq: number) => Promise<number | undefined> {
  let waiting: ((seq: number) => void) | undefined;
  onReply((seq) => waiting?.(seq));
  return (seq) => {
    const start = process.hrtime.bigint();
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1000);
      waiting = (got) => {
        if (got !== seq) return;
        clearTimeout(timer);
        resolve(Number(process.hrtime.bigint() - start) / 1e6);
      };
      send(seq);
    });
  };
}

async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const echoAddress = plan.peer;
  const packet = (seq: number): Buffer => {
    const data = Buffer.alloc(plan.payload, 0x5a);
    data.writeUInt32BE(seq, 0);
    return data;
  };

  const clients: StunClient[] = [];
  for (let i = 0; i < plan.clients; i++) {
    const client = await StunClient.open(plan.server, plan.credentials);
    const allocated = await client.allocate();
    if (allocated.error)
      throw new Error(`allocate: ${allocated.error.code} ${allocated.error.reason}`);
    const bound = await client.channelBind(CHANNEL, echoAddress);
    if (bound.error) throw new Error(`channel bind: ${bound.error.code} ${bound.error.reason}`);
    client.socket.removeAllListeners('message'); // from here on, raw ChannelData only
    clients.push(client);
  }
  const send = (client: StunClient, seq: number): void =>
    client.sendRaw(encodeChannelData(CHANNEL, packet(seq)));
  const [first] = clients;
  if (!first) throw new Error('no client');
  // Direct and relayed pings alternate, so both see the same machine load.
  const direct = await bindSocket();
  const pingDirect = pinger(
    (seq) => direct.send(packet(seq), echoAddress.port, echoAddress.address),
    (handler) => direct.on('message', (data) => handler(data.readUInt32BE(0))),
  );
  const pingRelay = pinger(
    (seq) => send(first, seq),
    (handler) =>
      first.socket.on('message', (data) => {
        const framed = decodeChannelData(data);
        if (framed) handler(framed.data.readUInt32BE(0));
      }),
  );
  const relayRtt: number[] = [];
  const addedRtt: number[] = [];
  for (let seq = 0; seq < plan.pings; seq++) {
    const d = await pingDirect(seq);
    const r = await pingRelay(seq);
    if (d === undefined || r === undefined) continue;
    relayRtt.push(r);
    addedRtt.push(r - d);
  }
  direct.close();
  first.socket.removeAllListeners('message');

  let echoes = 0;
  let lost = 0;
  let running = true;
  const inFlight = clients.map(() => new Map<number, number>());
  let nextSeq = 0;
  const top = (i: number): void => {
    const client = clients[i];
    const flight = inFlight[i];
    if (!client || !flight) return;
    while (running && flight.size < plan.window) {
      const seq = nextSeq++;
      flight.set(seq, Date.now());
      send(client, seq);
    }
  };
  clients.forEach((client, i) => {
    client.socket.on('message', (data) => {
      const framed = decodeChannelData(data);
      if (!framed || framed.data.length < 4) return;
      if (inFlight[i]?.delete(framed.data.readUInt32BE(0))) echoes++;
      top(i);
    });
  });
  const sweeper = setInterval(() => {
    const old = Date.now() - 1000;
    inFlight.forEach((flight, i) => {
      for (const [seq, sentAt] of flight) {
        if (sentAt < old) {
          flight.delete(seq);
          lost++;
        }
      }
      top(i);
    });
  }, 100);
  const started = Date.now();
  clients.forEach((_, i) => top(i));
  await new Promise((r) => setTimeout(r, plan.seconds * 1000));
  const counted = echoes;
  const seconds = (Date.now() - started) / 1000;
  running = false;
  clearInterval(sweeper);
  await new Promise((r) => setTimeout(r, 300));
  for (const client of clients) client.close();
  return { echoes: counted, lost, seconds, relayRtt, addedRtt };
}

// --- orchestration (parent process) ----------------------------------------

function loadFrom(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(__filename, ['load', JSON.stringify(plan)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        reject(new Error('load generator timed out'));
      },
      (plan.seconds + 60) * 1000,
    );
    child.once('message', (result) => {
      clearTimeout(timer);
      resolve(result as LoadResult);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}

/** CPU seconds (user + system) a process used so far, from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
  return ticks / 100;
}

interface Row {
  name: string;
  pps: number;
  loss: number;
  rttP50: number;
  rttP95: number;
  addedP50: number;
  addedP95: number;
  cpu: number;
}

async function measure(name: string, plan: LoadPlan, pid: number): Promise<Row> {
  const cpuBefore = cpuSecondsOf(pid);
  const started = Date.now();
  const result = await loadFrom(plan);
  const cpu = (cpuSecondsOf(pid) - cpuBefore) / ((Date.now() - started) / 1000);
  const sent = result.echoes + result.lost;
  return {
    name,
    pps: Math.round((2 * result.echoes) / result.seconds),
    loss: sent === 0 ? 0 : (100 * result.lost) / sent,
    rttP50: percentile(result.relayRtt, 50),
    rttP95: percentile(result.relayRtt, 95),
    addedP50: percentile(result.addedRtt, 50),
    addedP95: percentile(result.addedRtt, 95),
    cpu: 100 * cpu,
  };
}

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const secret = randomBytes(24).toString('base64');
  const confab = new TurnServer({
    enabled: true,
    listenAddress: '127.0.0.1',
    port: await findFreePort('127.0.0.1', true),
    realm: 'bench.confab',
    secrets: [secret],
    relayAddress: undefined,
    externalAddress: undefined,
    minPort: 46000,
    maxPort: 46999,
    deniedPeerRanges: [...DEFAULT_DENIED_PEER_RANGES],
    allowedPeerRanges: ['127.0.0.0/8'],
    userQuota: 100,
    totalQuota: 1000,
    defaultLifetime: 600,
    maxLifetime: 3600,
    maxBytesPerSecond: 0,
    credentialTtl: 3600,
    logLevel: 'warn',
  });
  await confab.start();
  const coturn = await startCoturn({
    port: await findFreePort('127.0.0.1', true),
    secret,
    realm: 'bench.confab',
    minPort: 47000,
    maxPort: 47999,
  });
  const peer = await startEchoPeer(await findFreePort('127.0.0.1', true));
  const rows: Row[] = [];
  try {
    const base = {
      credentials: issueCredentials(secret, 'bench', 3600),
      clients: 4,
      window: 16,
      seconds: SECONDS,
      payload: 200,
      pings: 500,
      peer: peer.address,
    };
    const confabAddress = confab.address;
    if (!confabAddress) throw new Error('Confab TURN did not start');
    const rounds: Row[][] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      rounds[0]?.push(await measure('confab', { ...base, server: confabAddress }, process.pid));
      rounds[1]?.push(await measure('coturn', { ...base, server: coturn.address }, coturn.pid));
    }
    for (const results of rounds) {
      const best = results.reduce((a, b) => (b.pps > a.pps ? b : a));
      rows.push(best);
    }
  } finally {
    await confab.close();
    await coturn.stop();
    await peer.stop();
  }
  console.log(
    `TURN relay over loopback: best of ${ROUNDS} interleaved ${SECONDS}-s rounds per server,\n` +
      '4 allocations × 16 packets in flight, 200-byte payloads, echo peer turnutils_peer\n',
  );
  console.log(
    table(
      [
        'server',
        'relayed pkt/s',
        'loss %',
        'rtt p50 µs',
        'rtt p95 µs',
        'added p50 µs',
        'added p95 µs',
        'server cpu %',
      ],
      rows.map((r) => [
        r.name,
        r.pps,
        r.loss,
        ...[r.rttP50, r.rttP95, r.addedP50, r.addedP95].map((ms) => Math.round(ms * 1000)),
        r.cpu,
      ]),
    ),
  );
  const perCore = rows.map((r) => `${r.name} ${Math.round(r.pps / (r.cpu / 100))}`).join(', ');
  console.log(`\nrelayed pkt/s per server CPU core: ${perCore}`);
  console.log(
    'The load generator is one Node process; when a server stays well below 100 % CPU the load\n' +
      'generator is the limit, and the per-core figures compare the servers better than raw rates.\n',
  );
  const [turn, reference] = rows;
  const ratio = turn && reference && reference.pps > 0 ? turn.pps / reference.pps : NaN;
  console.log(
    `turn_pps=${turn?.pps} coturn_pps=${reference?.pps} turn_vs_coturn=${ratio.toFixed(2)}`,
  );
}

if (process.argv[2] === 'load') {
  runLoad(JSON.parse(process.argv[3] ?? '{}') as LoadPlan).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      console.error('load generator failed:', error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
