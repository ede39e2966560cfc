/**
 * Focus side, mediasoup → participant: the contents the focus offers.
 * - `offerContent`: the participant's own mic or camera (it sends, the
 *   router receives), from the router's RtpCapabilities;
 * - `consumerContent`: one remote track (a mediasoup Consumer), receive-only
 *   for the participant, with its SSRC, RTX SSRC (FID group), cname and msid.
 */
import type { types } from 'mediasoup';
import { codecOf, isRtx, payloadTypeOf, sameCodec } from './mediasoupCodecs';
import type {
  IceUdpTransport,
  JingleContent,
  MediaKind,
  PayloadType,
  Role,
  RtpDescription,
  Senders,
  Source,
} from './model';

export interface OfferContentOptions {
  /** Content name, which becomes the participant's mid (keep it short: at most 16 characters). */
  name: string;
  kind: MediaKind;
  /** Default 'both' (Confab's audio and video contents). */
  senders?: Senders;
  /** Default 'initiator' (the focus). */
  creator?: Role;
  transport?: IceUdpTransport;
}

/** The content on which a participant sends its own track to the router. */
export function offerContent(
  routerRtpCapabilities: types.RtpCapabilities,
  options: OfferContentOptions,
): JingleContent {
  const payloadTypes = (routerRtpCapabilities.codecs ?? [])
    .filter((c) => c.kind === options.kind)
    .flatMap((c) => payloadTypeOf(c) ?? []);
  const headerExtensions = (routerRtpCapabilities.headerExtensions ?? [])
    .filter(
      (h) =>
        h.kind === options.kind &&
        (h.direction ?? 'sendrecv') !== 'sendonly' &&
        h.direction !== 'inactive',
    )
    .map((h) => ({ id: h.preferredId, uri: h.uri }));
  const content: JingleContent = {
    name: options.name,
    creator: options.creator ?? 'initiator',
    senders: options.senders ?? 'both',
    description: description(options.kind, payloadTypes, headerExtensions, []),
  };
  if (options.transport) content.transport = options.transport;
  return content;
}

export interface ConsumerContentOptions {
  kind: MediaKind;
  /**
   * consumer.rtpParameters. Its `mid` is the content name: mediasoup tags the
   * consumer's RTP with that MID, so the participant's m-line must carry it.
   * Choose it with `transport.consume({ mid })` (at most 16 characters).
   */
  rtpParameters: types.RtpParameters;
  /** msid the participant will see: the sending participant's stream and track ids. */
  streamId: string;
  trackId: string;
  /** The sender's occupant JID, announced on each source (ssrc-info owner). */
  owner?: string;
  /** Default 'initiator' (the focus). */
  creator?: Role;
  /** Default 'initiator': only the focus sends. */
  senders?: Senders;
  transport?: IceUdpTransport;
}

/** A receive-only content carrying one consumer's stream, named by the consumer's mid. */
export function consumerContent(options: ConsumerContentOptions): JingleContent {
  const { rtpParameters } = options;
  if (!rtpParameters.mid) throw new TypeError('consumer rtpParameters without mid');
  const payloadTypes = rtpParameters.codecs.flatMap((c) => payloadTypeOf(c) ?? []);
  const headerExtensions = (rtpParameters.headerExtensions ?? []).map((h) => ({
    id: h.id,
    uri: h.uri,
  }));
  const encoding = rtpParameters.encodings?.[0];
  const parameters = [
    ...(rtpParameters.rtcp?.cname ? [{ name: 'cname', value: rtpParameters.rtcp.cname }] : []),
    { name: 'msid', value: `${options.streamId} ${options.trackId}` },
  ];
  const sources: Source[] = [];
  const ssrcGroups: RtpDescription['ssrcGroups'] = [];
  const owned = (source: Source): Source =>
    options.owner !== undefined ? { ...source, owner: options.owner } : source;
  if (encoding?.ssrc !== undefined) {
    sources.push(owned({ ssrc: encoding.ssrc, parameters }));
    if (encoding.rtx?.ssrc !== undefined) {
      sources.push(
        owned({ ssrc: encoding.rtx.ssrc, parameters: parameters.map((p) => ({ ...p })) }),
      );
      ssrcGroups.push({ semantics: 'FID', ssrcs: [encoding.ssrc, encoding.rtx.ssrc] });
    }
  }
  const d = description(options.kind, payloadTypes, headerExtensions, sources);
  d.ssrcGroups = ssrcGroups;
  const content: JingleContent = {
    name: rtpParameters.mid,
    creator: options.creator ?? 'initiator',
    senders: options.senders ?? 'initiator',
    description: d,
  };
  if (options.transport) content.transport = options.transport;
  return content;
}

export interface AnswerContentOptions {
  transport?: IceUdpTransport;
}

/**
 * The focus's content-accept for a content the participant added (e.g. a
 * screen share): the participant's own payload types and header extensions
 * that the router supports, in its numbering (an answer keeps the offer's),
 * no sources, same senders. Undefined when no codec is in common: refuse the
 * content with content-reject (reason incompatible-parameters).
 */
export function answerContent(
  offered: JingleContent,
  routerRtpCapabilities: types.RtpCapabilities,
  options: AnswerContentOptions = {},
): JingleContent | undefined {
  const d = offered.description;
  if (!d) return undefined;
  const routerCodecs = (routerRtpCapabilities.codecs ?? []).filter((c) => c.kind === d.media);
  const media = d.payloadTypes.filter((pt) => {
    const codec = !isRtx(pt) && codecOf(pt, d.media);
    return codec && routerCodecs.some((c) => sameCodec(codec, c));
  });
  if (media.length === 0) return undefined;
  const kept = new Set(media.map((pt) => pt.id));
  const rtx = d.payloadTypes.filter(
    (pt) => isRtx(pt) && pt.parameters.some((p) => p.name === 'apt' && kept.has(Number(p.value))),
  );
  const uris = new Set(
    (routerRtpCapabilities.headerExtensions ?? [])
      .filter((h) => h.kind === d.media)
      .map((h) => h.uri),
  );
  const answer = description(
    d.media,
    d.payloadTypes.filter((pt) => kept.has(pt.id) || rtx.includes(pt)),
    d.headerExtensions.filter((h) => uris.has(h.uri)),
    [],
  );
  answer.rtcpFeedback = d.rtcpFeedback;
  answer.extmapAllowMixed = d.extmapAllowMixed;
  const content: JingleContent = {
    name: offered.name,
    creator: offered.creator,
    description: answer,
  };
  if (offered.senders !== undefined) content.senders = offered.senders;
  if (options.transport) content.transport = options.transport;
  return content;
}

function description(
  media: MediaKind,
  payloadTypes: PayloadType[],
  headerExtensions: RtpDescription['headerExtensions'],
  sources: Source[],
): RtpDescription {
  return {
    media,
    payloadTypes,
    rtcpMux: true,
    rtcpFeedback: [],
    headerExtensions,
    extmapAllowMixed: false,
    sources,
    ssrcGroups: [],
    rids: [],
    ridGroups: [],
  };
}
