/**
 * Jingle payload types ↔ mediasoup codecs (mediasoup 3.12 `ortc` rules: a
 * mimeType of kind/name, numeric parameters as numbers, `apt` always a
 * number, channels only for audio).
 */
import type { types } from 'mediasoup';
import type { MediaKind, Parameter, PayloadType, RtcpFeedback } from './model';

export type CodecParameters = Record<string, string | number>;

/** Parameters that look numeric but must stay strings (h264-profile-level-id parses a 6-character string). */
const STRING_PARAMETERS = new Set(['profile-level-id', 'sprop-parameter-sets', 'channel_mapping']);

/** Static payload types (RFC 3551) a peer may send without a name. */
const STATIC: Record<number, { name: string; clockrate: number }> = {
  0: { name: 'PCMU', clockrate: 8000 },
  8: { name: 'PCMA', clockrate: 8000 },
  9: { name: 'G722', clockrate: 8000 },
};

export function codecParameters(parameters: readonly Parameter[]): CodecParameters {
  const result: CodecParameters = {};
  for (const { name, value } of parameters) {
    if (name === '' || name === '__proto__') continue;
    result[name] =
      !STRING_PARAMETERS.has(name) && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
  }
  return result;
}

export function codecName(pt: PayloadType): string | undefined {
  return pt.name ?? STATIC[pt.id]?.name;
}

export function isRtx(pt: PayloadType): boolean {
  return codecName(pt)?.toLowerCase() === 'rtx';
}

/** The mediasoup codec of a payload type; undefined without a name or clock rate. */
export function codecOf(
  pt: PayloadType,
  kind: MediaKind,
  extraFeedback: readonly RtcpFeedback[] = [],
): types.RtpCodecParameters | undefined {
  const name = codecName(pt);
  const clockRate = pt.clockrate ?? STATIC[pt.id]?.clockrate;
  if (name === undefined || clockRate === undefined) return undefined;
  const codec: types.RtpCodecParameters = {
    mimeType: `${kind}/${name}`,
    payloadType: pt.id,
    clockRate,
    parameters: codecParameters(pt.parameters),
    rtcpFeedback: [...pt.rtcpFeedback, ...extraFeedback].map((fb) => ({
      type: fb.type,
      parameter: fb.subtype ?? '',
    })),
  };
  if (kind === 'audio') codec.channels = pt.channels ?? 1;
  return codec;
}

/** The payload type of a mediasoup codec or codec capability. */
export function payloadTypeOf(codec: {
  mimeType: string;
  clockRate: number;
  channels?: number;
  parameters?: unknown;
  rtcpFeedback?: types.RtcpFeedback[];
  payloadType?: number;
  preferredPayloadType?: number;
}): PayloadType | undefined {
  const id = codec.payloadType ?? codec.preferredPayloadType;
  const name = codec.mimeType.split('/')[1];
  if (id === undefined || !name) return undefined;
  const pt: PayloadType = {
    id,
    name,
    clockrate: codec.clockRate,
    parameters: Object.entries((codec.parameters ?? {}) as Record<string, unknown>).map(
      ([k, v]) => ({
        name: k,
        value: String(v),
      }),
    ),
    rtcpFeedback: (codec.rtcpFeedback ?? []).map((fb) =>
      fb.parameter ? { type: fb.type, subtype: fb.parameter } : { type: fb.type },
    ),
  };
  if (codec.channels !== undefined && codec.channels > 1) pt.channels = codec.channels;
  return pt;
}

/**
 * Whether a peer's codec can be the router's codec: same mime type, clock
 * rate and channels, and for H264 the same packetization mode and profile,
 * for VP9 the same profile-id. mediasoup makes the final check.
 */
export function sameCodec(
  a: Pick<types.RtpCodecParameters, 'mimeType' | 'clockRate' | 'channels' | 'parameters'>,
  b: Pick<types.RtpCodecCapability, 'mimeType' | 'clockRate' | 'channels' | 'parameters'>,
): boolean {
  const mime = a.mimeType.toLowerCase();
  if (mime !== b.mimeType.toLowerCase() || a.clockRate !== b.clockRate) return false;
  if (mime.startsWith('audio/') && (a.channels ?? 1) !== (b.channels ?? 1)) return false;
  const pa = (a.parameters ?? {}) as CodecParameters;
  const pb = (b.parameters ?? {}) as CodecParameters;
  if (mime === 'video/h264') {
    const profile = (p: CodecParameters): string =>
      String(p['profile-level-id'] ?? '42001f')
        .slice(0, 2)
        .toLowerCase();
    return (
      Number(pa['packetization-mode'] ?? 0) === Number(pb['packetization-mode'] ?? 0) &&
      profile(pa) === profile(pb)
    );
  }
  if (mime === 'video/vp9') return Number(pa['profile-id'] ?? 0) === Number(pb['profile-id'] ?? 0);
  return true;
}
