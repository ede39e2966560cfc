/**
 * Runs Prosody as a child process: writes its configuration, starts it in the
 * foreground, waits until its ports listen, reports start-up failures as one
 * clear message, creates accounts through its admin shell, and stops it.
 *
 * Supervised: when Prosody dies after it started, it is started again with a
 * growing delay (RESTART_DELAYS_MS), logged, and counted. `state` tells
 * whether it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../common/logger';
import { waitForTcp } from '../common/net';
import { TypedEmitter } from '../common/TypedEmitter';
import { luaString, renderProsodyConfig, type ProsodySettings } from './ProsodyConfig';

const log = createLogger('prosody');
const PROSODY = process.env.CONFAB_PROSODY_BIN ?? 'prosody';
const PROSODYCTL = process.env.CONFAB_PROSODYCTL_BIN ?? 'prosodyctl';
/** Delays before each restart in a row; the last one repeats. */
const RESTART_DELAYS_MS = [250, 1000, 2000, 5000, 10000, 30000];
/** A Prosody that ran this long without dying starts the delays over. */
const STABLE_MS = 60000;

/** Prosody children still running; killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ProsodyStartError extends Error {
  override name = 'ProsodyStartError';
}

export type ProsodyState = 'new' | 'starting' | 'running' | 'restarting' | 'stopped';

export type ProsodyEvents = {
  /** Prosody died by itself (it is restarted). */
  died: [reason: string];
  /** Prosody runs again after dying. */
  restarted: [pid: number];
};

export class ProsodyProcess extends TypedEmitter<ProsodyEvents> {
  readonly configFile: string;
  private child: ChildProcess | null = null;
  private readonly output: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  private _state: ProsodyState = 'new';
  private _restarts = 0;
  private failuresInRow = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly settings: ProsodySettings,
    /** Where to write the generated configuration. */
    configDir: string,
    /** Called with each line Prosody prints (for logs and tests). */
    private readonly onLine: (line: string) => void = (line) => log.debug(line),
  ) {
    super();
    this.configFile = join(configDir, 'prosody.cfg.lua');
  }

  /** Lines Prosody printed recently, for error reports. */
  get recentOutput(): string[] {
    return [...this.output];
  }

  get pid(): number | undefined {
    return this._state === 'running' ? this.child?.pid : undefined;
  }

  get state(): ProsodyState {
    return this._state;
  }

  /** How many times Prosody was restarted after dying. */
  get restarts(): number {
    return this._restarts;
  }

  async start(timeoutMs = 15000): Promise<void> {
    if (this._state !== 'new') throw new TypeError('ProsodyProcess already started');
    mkdirSync(this.settings.dataPath, { recursive: true });
    writeFileSync(this.configFile, renderProsodyConfig(this.settings), { mode: 0o600 });
    this._state = 'starting';
    try {
      await this.launch(timeoutMs);
    } catch (error) {
      await this.stop();
      throw error;
    }
    log.info('started', { pid: this.child?.pid, domain: this.settings.domain });
  }

  /** Spawns Prosody and waits until its component and HTTP ports listen. */
  private async launch(timeoutMs: number): Promise<void> {
    const child = spawn(PROSODY, ['--config', this.configFile, '-F'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    let failure: string | null = null;
    let exitedEarly: (reason: string) => void = () => {};
    const early = new Promise<never>((_, reject) => {
      exitedEarly = (reason) => reject(new ProsodyStartError(reason));
    });
    early.catch(() => {});
    const onData = (chunk: Buffer): void => {
      for (const raw of chunk.toString().split('\n')) {
        const text = raw.trimEnd();
        if (!text) continue;
        this.output.push(text);
        if (this.output.length > 200) this.output.shift();
        this.onLine(text);
        // Prosody keeps running when it cannot bind a port; treat that as fatal.
        const portFailure = /Failed to open server port (\d+) on ([^,]+)/.exec(text);
        if (portFailure && !failure) {
          failure = `Prosody cannot listen on port ${portFailure[1]} (${portFailure[2]}): it is in use`;
          exitedEarly(failure);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const reason =
          failure ??
          `Prosody exited (${signal ?? `code ${code}`}): ${this.output.slice(-3).join(' | ')}`;
        exitedEarly(reason);
        resolve();
        if (this.child === child) this.died(reason);
      });
      child.once('error', (error) => {
        exitedEarly(`cannot run ${PROSODY}: ${error.message}`);
        resolve();
      });
    });
    const { ports, interfaces } = this.settings;
    const host =
      interfaces.component[0] === '*' ? '127.0.0.1' : (interfaces.component[0] ?? '127.0.0.1');
    try {
      await Promise.race([
        Promise.all([
          waitForTcp(host, ports.component, timeoutMs),
          waitForTcp(interfaces.http[0] ?? '127.0.0.1', ports.http, timeoutMs),
        ]),
        early,
      ]);
      // A port failure can be logged just after the others listen.
      await Promise.race([new Promise((r) => setTimeout(r, 100)), early]);
    } catch (error) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw error instanceof ProsodyStartError
        ? error
        : new ProsodyStartError(`Prosody did not start: ${(error as Error).message}`);
    }
    this._state = 'running';
    this.startedAt = Date.now();
  }

  /** Prosody ended without being asked: start it again after a delay. */
  private died(reason: string): void {
    if (this._state !== 'running') return; // start-up failures are reported by launch()
    this._state = 'restarting';
    if (Date.now() - this.startedAt >= STABLE_MS) this.failuresInRow = 0;
    log.error('Prosody died; restarting it', { reason, restarts: this._restarts });
    this.emit('died', reason);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delays = RESTART_DELAYS_MS;
    const delay = delays[Math.min(this.failuresInRow, delays.length - 1)] ?? 30000;
    this.failuresInRow++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.launch(15000).then(
        () => {
          this._restarts++;
          log.warn('Prosody restarted', { pid: this.child?.pid, restarts: this._restarts });
          this.emit('restarted', this.child?.pid ?? 0);
        },
        (error: unknown) => {
          if (this._state !== 'restarting') return; // stopped meanwhile
          log.error('Prosody does not start again; retrying', {
            error,
            attempt: this.failuresInRow,
          });
          this.scheduleRestart();
        },
      );
    }, delay);
  }

  /** Creates (or re-creates) an account, e.g. `createUser('alice', 'secret')`. */
  async createUser(user: string, password: string, host = this.settings.domain): Promise<void> {
    await this.shell(
      `user:create(${luaString(`${user}@${host}`)}, ${luaString(password)})`,
      /OK: User created|already exists/,
    );
  }

  /** Runs one command in Prosody's admin shell; rejects unless the output matches `expect`. */
  async shell(command: string, expect: RegExp): Promise<string> {
    const child = spawn(PROSODYCTL, ['--config', this.configFile, 'shell'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.stdin.end(command + '\n');
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    if (code !== 0 || !expect.test(out)) {
      throw new Error(
        `prosodyctl shell "${command}" failed: ${out.trim().split('\n').slice(-2).join(' ')}`,
      );
    }
    return out;
  }

  /** Stops Prosody (and its supervision): SIGTERM, then SIGKILL after `graceMs`. Safe twice. */
  async stop(graceMs = 5000): Promise<void> {
    this._state = 'stopped';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
