import { LocalTracks } from './LocalTracks';

const track = (kind: string, id: string) => ({ kind, id }) as unknown as MediaStreamTrack;
const transceiver = (mid: string) => ({ mid }) as unknown as RTCRtpTransceiver;

test('a content gets the track named like it, else the first unused one of its kind', () => {
  const mic = track('audio', 'mic');
  const cam = track('video', 'cam');
  const tracks = new LocalTracks({ audio: mic, video: cam });
  expect(tracks.for('audio', 'audio')).toBe(mic);
  expect(tracks.for('0', 'video')).toBe(cam);
  tracks.use('video', transceiver('0'), cam);
  expect(tracks.for('1', 'video')).toBeUndefined();
  expect(tracks.sender('video')?.mid).toBe('0');
});

test('null reserves one sending content of its kind (a camera that is off)', () => {
  const tracks = new LocalTracks({ audio: track('audio', 'mic'), video: null });
  expect(tracks.offered().map((o) => [o.kind, o.track?.id ?? null])).toEqual([
    ['audio', 'mic'],
    ['video', null],
  ]);
  expect(tracks.for('video', 'video')).toBeNull();
  const t = transceiver('video');
  tracks.use('video', t, null);
  expect(tracks.for('p1-video', 'video')).toBeUndefined();
  tracks.forget(t);
  expect(tracks.sender('video')).toBeUndefined();
});

test('tracks are read when needed (a getter sees the current device)', () => {
  let current: MediaStreamTrack | null = null;
  const tracks = new LocalTracks({
    get video() {
      return current;
    },
  });
  expect(tracks.for('video', 'video')).toBeNull();
  current = track('video', 'cam2');
  expect(tracks.for('video', 'video')).toBe(current);
});
