/**
 * mediasoup workers, one per core by default, each with a WebRtcServer that
 * listens on one UDP and one TCP port (worker i on port + i). A worker that
 * dies is replaced; the routers it carried close, and their rooms hear of it.
 * The pool never gives up silently: a slot whose worker cannot be replaced
 * after REPLACE_ATTEMPTS tries is reported `failed` (health, metrics, an
 * error in the log) and is still retried, more slowly.
 */
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { createLogger } from '../../common/logger';
import { findFreePort, isUdpPortFree, isTcpPortFree } from '../../common/net';
import { ConfigError } from '../../common/config';
import { TypedEmitter } from '../../common/TypedEmitter';
import type { FocusConfig } from '../config';

const log = createLogger('sfu:workers');
/** Quick tries to replace a dead worker before its slot is reported failed. */
const REPLACE_ATTEMPTS = 10;
/** The pace of the tries after that. */
const SLOW_RETRY_MS = 30000;

export type WorkerState = 'running' | 'replacing' | 'failed';

export interface WorkerSlot {
  readonly index: number;
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer;
  readonly port: number;
  /** Consumers currently carried by this worker, across rooms. */
  consumers: number;
  routers: number;
  state: WorkerState;
}

export type WorkerPoolEvents = {
  died: [index: number];
  replaced: [index: number];
};

export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly slots: WorkerSlot[] = [];
  private closed = false;

  private constructor(private readonly config: FocusConfig) {
    super();
  }

  static async create(config: FocusConfig): Promise<WorkerPool> {
    const pool = new WorkerPool(config);
    try {
      for (let i = 0; i < config.workers; i++) {
        const port = config.rtc.port
          ? config.rtc.port + i
          : await findFreePort(config.rtc.listenIp, true);
        if (config.rtc.port) await ensureFree(port, config.rtc.listenIp);
        const { worker, webRtcServer } = await pool.startWorker(port);
        const slot: WorkerSlot = {
          index: i,
          worker,
          webRtcServer,
          port,
          consumers: 0,
          routers: 0,
          state: 'running',
        };
        pool.slots.push(slot);
        pool.watch(slot);
      }
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** The live worker with the fewest consumers, optionally among `candidates`. */
  leastLoaded(candidates: readonly WorkerSlot[] = this.slots): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const slot of candidates) {
      if (slot.worker.closed) continue;
      if (!best || slot.consumers < best.consumers) best = slot;
    }
    return best;
  }

  /** Like leastLoaded, but waits (bounded) while a dead worker is being replaced. */
  async liveWorker(
    candidates: readonly WorkerSlot[] = this.slots,
    timeoutMs = 10000,
  ): Promise<WorkerSlot | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const slot = this.leastLoaded(candidates) ?? this.leastLoaded();
      if (slot || this.closed || Date.now() > deadline) return slot;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) slot.worker.close();
  }

  private async startWorker(
    port: number,
  ): Promise<{ worker: ms.Worker; webRtcServer: ms.WebRtcServer }> {
    const worker = await mediasoup.createWorker({ logLevel: this.config.workerLogLevel });
    try {
      const { listenIp, announcedIp } = this.config.rtc;
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedIp, port },
          { protocol: 'tcp', ip: listenIp, announcedIp, port },
        ],
      });
      return { worker, webRtcServer };
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  private watch(slot: WorkerSlot): void {
    slot.worker.on('died', (error) => {
      log.error('mediasoup worker died; replacing it', {
        worker: slot.index,
        pid: slot.worker.pid,
        error,
      });
      slot.consumers = 0;
      slot.routers = 0;
      slot.state = 'replacing';
      this.emit('died', slot.index);
      void this.replace(slot);
    });
  }

  private async replace(slot: WorkerSlot, attempt = 1): Promise<void> {
    if (this.closed) return;
    try {
      const { worker, webRtcServer } = await this.startWorker(slot.port);
      if (this.closed) return worker.close();
      slot.worker = worker;
      slot.webRtcServer = webRtcServer;
      slot.state = 'running';
      this.watch(slot);
      log.info('mediasoup worker replaced', { worker: slot.index, pid: worker.pid, attempt });
      this.emit('replaced', slot.index);
    } catch (error) {
      // The dead worker's ports may take a moment to be released.
      if (attempt < REPLACE_ATTEMPTS) {
        log.warn('cannot replace mediasoup worker yet', { worker: slot.index, attempt, error });
      } else {
        if (slot.state !== 'failed')
          log.error('mediasoup worker cannot be replaced; its slot is down', {
            worker: slot.index,
            port: slot.port,
            attempt,
            error,
          });
        slot.state = 'failed';
      }
      const delay = attempt < REPLACE_ATTEMPTS ? 500 * attempt : SLOW_RETRY_MS;
      setTimeout(() => void this.replace(slot, attempt + 1), delay).unref();
    }
  }
}

async function ensureFree(port: number, ip: string): Promise<void> {
  if (!(await isUdpPortFree(port, ip)) || !(await isTcpPortFree(port, ip))) {
    throw new ConfigError('focus.rtc-port', `port ${port} on ${ip} (UDP or TCP) is already in use`);
  }
}
