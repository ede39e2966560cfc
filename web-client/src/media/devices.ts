/**
 * Opening the camera and microphone, and saying in plain words why it did not
 * work: permission denied, no such device, device busy, insecure page.
 */

export type DeviceKind = 'camera' | 'microphone';
export type ProblemReason = 'denied' | 'not-found' | 'busy' | 'insecure' | 'unknown';

export class MediaAccessError extends Error {
  override readonly name = 'MediaAccessError';
  constructor(
    readonly device: DeviceKind,
    readonly reason: ProblemReason,
  ) {
    super(describeProblem(device, reason));
  }
}

const CAMERA: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};
const MICROPHONE: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export function describeProblem(device: DeviceKind, reason: ProblemReason): string {
  const what = device === 'camera' ? 'camera' : 'microphone';
  switch (reason) {
    case 'denied':
      return device === 'camera'
        ? 'Camera access is blocked, so others will not see you. You can still join; to turn the camera on, allow it in the site settings (the icon left of the address) and try again.'
        : 'Microphone access is blocked, so others will not hear you. You can still join and listen; to talk, allow the microphone in the site settings (the icon left of the address) and try again.';
    case 'not-found':
      return device === 'camera'
        ? 'No camera was found. You can join with audio only.'
        : 'No microphone was found. You can join and listen.';
    case 'busy':
      return `Your ${what} is in use by another application or could not be started. Close the other application and try again.`;
    case 'insecure':
      return `The ${what} needs a secure page: open Confab over https:// (or on localhost).`;
    case 'unknown':
      return `The ${what} could not be started.`;
  }
}

function reasonOf(error: unknown): ProblemReason {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'not-found';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'unknown';
  }
}

function mediaDevices(device: DeviceKind): MediaDevices {
  const devices = globalThis.navigator?.mediaDevices;
  if (!devices?.getUserMedia) throw new MediaAccessError(device, 'insecure');
  return devices;
}

async function open(device: DeviceKind, deviceId: string | null): Promise<MediaStreamTrack> {
  const devices = mediaDevices(device);
  const base = device === 'camera' ? CAMERA : MICROPHONE;
  const attempt = async (constraints: MediaTrackConstraints): Promise<MediaStreamTrack> => {
    const stream = await devices.getUserMedia(
      device === 'camera' ? { video: constraints } : { audio: constraints },
    );
    const track = device === 'camera' ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
    if (!track) throw new MediaAccessError(device, 'not-found');
    return track;
  };
  try {
    return await attempt(deviceId ? { ...base, deviceId: { exact: deviceId } } : base);
  } catch (error) {
    if (error instanceof MediaAccessError) throw error;
    const reason = reasonOf(error);
    // A remembered device that is gone: fall back to the default one.
    if (deviceId && reason === 'not-found') return open(device, null);
    throw new MediaAccessError(device, reason);
  }
}

export const openCamera = (deviceId: string | null): Promise<MediaStreamTrack> =>
  open('camera', deviceId);
export const openMicrophone = (deviceId: string | null): Promise<MediaStreamTrack> =>
  open('microphone', deviceId);

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
}

/** Cameras and microphones; labels are empty until a permission was granted. */
export async function listDevices(): Promise<DeviceLists> {
  const devices = globalThis.navigator?.mediaDevices;
  if (!devices?.enumerateDevices) return { cameras: [], microphones: [] };
  const all = await devices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
  return {
    cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId !== ''),
    microphones: all.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
  };
}
