/**
 * Runs the Confab process as a child for benchmarks, so its CPU time can be
 * read apart from the bots': embedded Prosody, focus and SFU on free ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../common/net';

export interface ConfabChild {
  pid: number;
  httpPort: number;
  c2sPort: number;
  domain: string;
  /** CPU time (user + system) the Confab process has used, in ms. */
  cpuMs(): number;
  /** A counter from /metrics. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

export async function startConfabChild(env: Record<string, string> = {}): Promise<ConfabChild> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
  const httpPort = await findFreePort();
  const c2sPort = await findFreePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(__dirname, '..', 'server', 'main.js')],
    {
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
    },
  );
  const pid = child.pid;
  if (!pid) throw new Error('cannot start Confab');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${httpPort}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('Confab did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid,
    httpPort,
    c2sPort,
    domain: 'localhost',
    cpuMs() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
      return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    async metric(name) {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(name + ' '));
      return Number(line?.split(' ')[1] ?? NaN);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
