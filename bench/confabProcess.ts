/**
 * Runs the Confab process as a child, so that its CPU time and memory can be
 * read apart from the bots' and so that it can be killed like a real crash:
 * embedded Prosody (or an external one), focus and SFU on free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../common/net';

export interface ConfabChild {
  pid: number;
  httpPort: number;
  c2sPort: number;
  domain: string;
  /** The data directory (kept across restarts when given). */
  dataDir: string;
  /** CPU time (user + system) the Confab process has used, in ms. */
  cpuMs(): number;
  /** Resident memory of the Confab process, in bytes. */
  rssBytes(): number;
  /** Open file descriptors of the Confab process. */
  openFds(): number;
  /** A series from /metrics, e.g. `confab_focus_consumers` or `x_total{direction="in"}`. */
  metric(series: string): Promise<number>;
  /** Kills it as a crash would (SIGKILL), and waits until it is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConfabChildOptions {
  /** The compiled entry point (default: build/server/main.js, from `npm run build`). */
  script?: string;
  /** Use this data directory and leave it in place (default: a temporary one, removed). */
  dataDir?: string;
  /** Node flags, e.g. --expose-gc. */
  nodeArgs?: string[];
}

const PAGE_SIZE = 4096;

export async function startConfabChild(
  env: Record<string, string> = {},
  options: ConfabChildOptions = {},
): Promise<ConfabChild> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'confab-bench-'));
  const httpPort = Number(env.CONFAB_SERVER_HTTP_PORT ?? (await findFreePort()));
  const c2sPort = Number(env.CONFAB_PROSODY_C2S_PORT ?? (await findFreePort()));
  const script = options.script ?? join(__dirname, '..', 'server', 'main.js');
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: {
      ...process.env,
      CONFAB_LOG_LEVEL: 'warn',
      CONFAB_SERVER_DATA_DIR: dir,
      CONFAB_SERVER_HTTP_PORT: String(httpPort),
      CONFAB_PROSODY_C2S_PORT: String(c2sPort),
      CONFAB_FOCUS_RTC_PORT: '0',
      CONFAB_FOCUS_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid;
  if (!pid) throw new Error('cannot start Confab');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${httpPort}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('Confab did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const cleanUp = (): void => {
    if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
  };
  return {
    pid,
    httpPort,
    c2sPort,
    domain: 'localhost',
    dataDir: dir,
    cpuMs() {
      // Nanoseconds on CPU per thread (schedstat), summed: /proc/<pid>/stat
      // counts in 10 ms ticks, too coarse for one join.
      let ns = 0;
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        try {
          ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
        } catch {
          // The thread ended between the listing and the read.
        }
      }
      return ns / 1e6;
    },
    rssBytes() {
      const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
      return pages * PAGE_SIZE;
    },
    openFds() {
      return readdirSync(`/proc/${pid}/fd`).length;
    },
    async metric(series) {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(series + ' '));
      return Number(line?.slice(series.length + 1) ?? NaN);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      cleanUp();
    },
  };
}
