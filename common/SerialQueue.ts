/**
 * Runs async tasks one after another, in the order they were pushed. Each
 * conference owns one, so joins, accepts, leaves and worker deaths for the
 * same room never interleave. A failing task rejects its own promise only.
 */
import { InvalidStateError } from './errors';

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private isClosed = false;

  get size(): number {
    return this.pending;
  }

  /** Whether the queue refuses new tasks. */
  get closed(): boolean {
    return this.isClosed;
  }

  push<T>(task: () => Promise<T> | T): Promise<T> {
    if (this.isClosed) return Promise.reject(new InvalidStateError('queue closed'));
    this.pending++;
    const run = this.tail.then(() => task());
    this.tail = run.then(
      () => this.pending--,
      () => this.pending--,
    );
    return run;
  }

  /** Resolves when every task pushed so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }

  /** Refuses new tasks; tasks already queued still run. */
  close(): void {
    this.isClosed = true;
  }
}
