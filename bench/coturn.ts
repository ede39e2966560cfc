/**
 * Runs Debian's coturn (/usr/bin/turnserver) on loopback with a temporary
 * configuration that mirrors Confab's TURN: TURN REST credentials
 * (use-auth-secret) with the same secret, UDP only, loopback peers allowed,
 * no TLS/DTLS, no CLI. Started and stopped by PID; used by bench/turn.ts and
 * by the interoperability test of Confab's STUN client codec.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const COTURN_BINARY = '/usr/bin/turnserver';
export const ECHO_PEER_BINARY = '/usr/bin/turnutils_peer';

export interface CoturnOptions {
  port: number;
  secret: string;
  realm: string;
  minPort: number;
  maxPort: number;
}

export interface Coturn {
  pid: number;
  address: { address: string; port: number };
  /** Recent output, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startCoturn(options: CoturnOptions, timeoutMs = 10000): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-coturn-'));
  const config = [
    'listening-ip=127.0.0.1',
    `listening-port=${options.port}`,
    'relay-ip=127.0.0.1',
    `min-port=${options.minPort}`,
    `max-port=${options.maxPort}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    `realm=${options.realm}`,
    'allow-loopback-peers',
    'no-tls',
    'no-dtls',
    'no-tcp-relay',
    'no-cli',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'simple-log',
    'log-file=stdout',
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turnserver.pid')}`,
  ].join('\n');
  const configPath = join(dir, 'turnserver.conf');
  writeFileSync(configPath, config + '\n');
  const cleanUp = (): void => rmSync(dir, { recursive: true, force: true });
  const server = await startProcess(
    COTURN_BINARY,
    ['-c', configPath],
    options.port,
    timeoutMs,
    (stop) => stop().finally(cleanUp),
  );
  return server;
}

/** coturn's UDP echo peer (turnutils_peer) on 127.0.0.1:port. */
export async function startEchoPeer(port: number, timeoutMs = 5000): Promise<Coturn> {
  return startProcess(ECHO_PEER_BINARY, ['-L', '127.0.0.1', '-p', String(port)], port, timeoutMs);
}

/** Starts a UDP server process and waits until it answers a datagram on 127.0.0.1:port. */
async function startProcess(
  binary: string,
  args: string[],
  port: number,
  timeoutMs: number,
  wrapStop: (stop: () => Promise<void>) => Promise<void> = (stop) => stop(),
): Promise<Coturn> {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: install Debian's coturn (scripts/setup bench)`);
  }
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }, 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  const stop = (): Promise<void> => wrapStop(kill);
  if (child.pid === undefined) {
    await stop();
    throw new Error(`cannot start ${binary}`);
  }
  const address = { address: '127.0.0.1', port };
  const deadline = Date.now() + timeoutMs;
  while (!(await answersBinding(address, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${binary} did not start: ${log}`);
    }
  }
  return { pid: child.pid, address, output: () => log, stop };
}

/** Sends a STUN Binding request and waits `timeoutMs` for any answer. */
function answersBinding(
  to: { address: string; port: number },
  timeoutMs: number,
): Promise<boolean> {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(request, 8);
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('message', () => done(true));
    socket.on('error', () => undefined);
    socket.send(request, to.port, to.address);
  });
}
