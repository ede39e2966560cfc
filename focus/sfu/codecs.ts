/**
 * The codecs every Confab router offers: Opus for audio; VP8 and H.264
 * (constrained baseline, as Safari and hardware encoders prefer) for video.
 * mediasoup adds RTX for each video codec.
 */
import type { types as ms } from 'mediasoup';

export const MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];
