/**
 * Sharing the screen: the browser's picker (getDisplayMedia), one content
 * per share (`screen`, then `screen2`…, since a removed content's name stays
 * taken in the session), and the stop that comes either from our button or
 * from the browser's own "Stop sharing".
 */
import { TypedEmitter } from '../../../common/TypedEmitter';
import { createLogger } from '../log';

const log = createLogger('screen');

export interface ScreenShareDeps {
  add(name: string, track: MediaStreamTrack): Promise<void>;
  remove(name: string): Promise<void>;
}

export type ScreenShareEvents = { changed: [track: MediaStreamTrack | null] };

/** Why sharing did not start, in words for people; null when they cancelled the picker. */
export class ScreenShareError extends Error {
  override readonly name = 'ScreenShareError';
}

export class ScreenShare extends TypedEmitter<ScreenShareEvents> {
  private current: { name: string; track: MediaStreamTrack } | null = null;
  private count = 0;
  private busy = false;

  constructor(private readonly deps: ScreenShareDeps) {
    super();
  }

  get track(): MediaStreamTrack | null {
    return this.current?.track ?? null;
  }

  async start(): Promise<void> {
    if (this.current || this.busy) return;
    const devices = globalThis.navigator?.mediaDevices;
    if (!devices?.getDisplayMedia)
      throw new ScreenShareError('This browser cannot share the screen.');
    this.busy = true;
    try {
      let stream: MediaStream;
      try {
        stream = await devices.getDisplayMedia({ video: { frameRate: { max: 15 } }, audio: false });
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (name === 'NotAllowedError' || name === 'AbortError') return; // cancelled
        throw new ScreenShareError('The screen could not be captured.');
      }
      const track = stream.getVideoTracks()[0];
      if (!track) throw new ScreenShareError('The screen could not be captured.');
      track.contentHint = 'detail';
      const name = this.count === 0 ? 'screen' : `screen${this.count + 1}`;
      this.count++;
      try {
        await this.deps.add(name, track);
      } catch (error) {
        track.stop();
        log.warn('cannot share', { error: error instanceof Error ? error.message : String(error) });
        throw new ScreenShareError('Screen sharing could not start in this call.');
      }
      this.current = { name, track };
      track.addEventListener('ended', () => void this.stop()); // the browser's "Stop sharing"
      this.emit('changed', track);
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    current.track.stop();
    this.emit('changed', null);
    await this.deps.remove(current.name).catch((error: unknown) =>
      log.warn('cannot remove the share', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  /** The session is gone: forget the share without signalling. */
  reset(): void {
    this.count = 0;
    const current = this.current;
    if (!current) return;
    this.current = null;
    current.track.stop();
    this.emit('changed', null);
  }
}
