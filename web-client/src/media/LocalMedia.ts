/**
 * The person's own microphone and camera, from the pre-join screen to the end
 * of the call. The microphone stays open while muted (the track is disabled,
 * so unmuting is instant); turning the camera off stops it, so its light goes
 * out. Device changes and unplugged devices replace the tracks, and
 * `track` events tell the call to swap what it sends.
 */
import { SerialQueue } from '../../../common/SerialQueue';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { load, save } from '../storage';
import { MediaAccessError, openCamera, openMicrophone, type DeviceKind } from './devices';

export type LocalMediaEvents = {
  /** The track to send for a kind changed (null: nothing to send). */
  track: [kind: 'audio' | 'video', track: MediaStreamTrack | null];
  /** On/off state, a problem or a device changed. */
  changed: [];
};

export class LocalMedia extends TypedEmitter<LocalMediaEvents> {
  audio: MediaStreamTrack | null = null;
  video: MediaStreamTrack | null = null;
  micOn = true;
  cameraOn = true;
  problems: Record<DeviceKind, MediaAccessError | null> = { camera: null, microphone: null };
  micId: string | null = load('microphoneId');
  cameraId: string | null = load('cameraId');
  private readonly queue = new SerialQueue();
  private closed = false;

  /** Opens both devices for the preview. Problems are recorded, not thrown. */
  start(): Promise<void> {
    return this.queue.push(async () => {
      await this.openMic();
      if (this.cameraOn) await this.openCam();
      this.emit('changed');
    });
  }

  /** Whether the microphone is really being sent. */
  get sendingAudio(): boolean {
    return this.micOn && this.audio !== null;
  }

  get sendingVideo(): boolean {
    return this.cameraOn && this.video !== null;
  }

  setMicOn(on: boolean): Promise<void> {
    return this.queue.push(async () => {
      if (on && !this.audio) await this.openMic();
      this.micOn = on && this.audio !== null;
      if (this.audio) this.audio.enabled = this.micOn;
      this.emit('changed');
    });
  }

  setCameraOn(on: boolean): Promise<void> {
    return this.queue.push(async () => {
      if (on && !this.video) await this.openCam();
      if (!on) this.stopCam();
      this.cameraOn = on && this.video !== null;
      this.emit('changed');
    });
  }

  selectMicrophone(id: string): Promise<void> {
    return this.queue.push(async () => {
      this.micId = id;
      save('microphoneId', id);
      await this.openMic();
      this.emit('changed');
    });
  }

  selectCamera(id: string): Promise<void> {
    return this.queue.push(async () => {
      this.cameraId = id;
      save('cameraId', id);
      if (this.cameraOn || this.video) await this.openCam();
      this.emit('changed');
    });
  }

  private openMic(): Promise<void> {
    return this.openDevice('microphone');
  }

  private openCam(): Promise<void> {
    return this.openDevice('camera');
  }

  /** Opens (or reopens, after a device change) one device and swaps its track in. */
  private async openDevice(kind: DeviceKind): Promise<void> {
    if (this.closed) return;
    const camera = kind === 'camera';
    try {
      const track = await (camera ? openCamera(this.cameraId) : openMicrophone(this.micId));
      if (this.closed) return track.stop();
      const old = camera ? this.video : this.audio;
      const deviceId = track.getSettings().deviceId ?? null;
      if (camera) {
        this.video = track;
        this.cameraOn = true;
        this.cameraId = deviceId ?? this.cameraId;
      } else {
        track.enabled = this.micOn;
        this.audio = track;
        this.micId = deviceId ?? this.micId;
      }
      this.problems[kind] = null;
      track.addEventListener('ended', () => this.deviceLost(kind, track));
      this.emit('track', camera ? 'video' : 'audio', track);
      old?.stop();
    } catch (error) {
      this.problems[kind] = asAccessError(kind, error);
      if (camera && !this.video) this.cameraOn = false;
      if (!camera && !this.audio) this.micOn = false;
    }
  }

  private stopCam(): void {
    if (!this.video) return;
    this.video.stop();
    this.video = null;
    this.emit('track', 'video', null);
  }

  /** An unplugged device or a revoked permission ends the track. */
  private deviceLost(kind: DeviceKind, track: MediaStreamTrack): void {
    void this.queue
      .push(() => {
        if (kind === 'camera' && this.video === track) {
          this.video = null;
          this.cameraOn = false;
          this.emit('track', 'video', null);
        } else if (kind === 'microphone' && this.audio === track) {
          this.audio = null;
          this.micOn = false;
          this.emit('track', 'audio', null);
        } else return;
        this.problems[kind] = new MediaAccessError(kind, 'busy');
        this.emit('changed');
      })
      .catch(() => {});
  }

  /** Stops every device. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.audio?.stop();
    this.video?.stop();
    this.audio = null;
    this.video = null;
  }
}

function asAccessError(device: DeviceKind, error: unknown): MediaAccessError {
  return error instanceof MediaAccessError ? error : new MediaAccessError(device, 'unknown');
}
