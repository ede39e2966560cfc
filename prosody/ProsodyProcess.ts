/**
 * Runs Prosody as a child process: writes its configuration, starts it in the
 * foreground, waits until its ports listen, reports start-up failures as one
 * clear message, creates accounts through its admin shell, and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../common/logger';
import { waitForTcp } from '../common/net';
import { luaString, renderProsodyConfig, type ProsodySettings } from './ProsodyConfig';

const log = createLogger('prosody');
const PROSODY = process.env.CONFAB_PROSODY_BIN ?? 'prosody';
const PROSODYCTL = process.env.CONFAB_PROSODYCTL_BIN ?? 'prosodyctl';

/** Prosody children still running; killed if this process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ProsodyStartError extends Error {
  override name = 'ProsodyStartError';
}

export class ProsodyProcess {
  readonly configFile: string;
  private child: ChildProcess | null = null;
  private readonly output: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly settings: ProsodySettings,
    /** Where to write the generated configuration. */
    configDir: string,
    /** Called with each line Prosody prints (for logs and tests). */
    private readonly onLine: (line: string) => void = (line) => log.debug(line),
  ) {
    this.configFile = join(configDir, 'prosody.cfg.lua');
  }

  /** Lines Prosody printed recently, for error reports. */
  get recentOutput(): string[] {
    return [...this.output];
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 15000): Promise<void> {
    if (this.child) throw new TypeError('ProsodyProcess already started');
    mkdirSync(this.settings.dataPath, { recursive: true });
    writeFileSync(this.configFile, renderProsodyConfig(this.settings), { mode: 0o600 });
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
        if (!this.closed)
          exitedEarly(
            failure ??
              `Prosody exited during start-up (${signal ?? `code ${code}`}): ${this.output.slice(-3).join(' | ')}`,
          );
        resolve();
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
      await this.stop();
      throw error instanceof ProsodyStartError
        ? error
        : new ProsodyStartError(`Prosody did not start: ${(error as Error).message}`);
    }
    log.info('started', { pid: child.pid, domain: this.settings.domain });
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

  /** Stops Prosody: SIGTERM, then SIGKILL after `graceMs`. Safe to call twice. */
  async stop(graceMs = 5000): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
