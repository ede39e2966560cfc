/**
 * Focus side, participant → mediasoup: the contents of a participant's
 * session-accept (or content-add) become `transport.produce()` parameters,
 * one per sent track, and the participant's RtpCapabilities for
 * `transport.consume()`. Checked against mediasoup 3.12's ortc rules.
 */
import type { types } from 'mediasoup';
import { badRequest, notImplemented, type JingleError } from './JingleError';
import type { JingleContent, MediaKind, RtpDescription, Source } from './model';
import { codecOf, isRtx, sameCodec } from './mediasoupCodecs';
import { err, ok, type Result } from './result';

export interface ProducerSpec {
  kind: MediaKind;
  rtpParameters: types.RtpParameters;
  /** The track's msid (`streamId trackId`) as the participant announced it. */
  streamId?: string;
  trackId?: string;
}

export interface ProducerOptions {
  /** The router's capabilities: codecs the router lacks are left out. */
  routerRtpCapabilities: types.RtpCapabilities;
  /** scalabilityMode of each simulcast layer; default 'L1T3' (libwebrtc's three temporal layers). */
  simulcastScalabilityMode?: string;
}

/**
 * The produce() parameters of each track the participant sends in this
 * content: none if it sends nothing (no sources), an error if it sends with
 * no codec the router has.
 */
export function producerParameters(
  content: JingleContent,
  options: ProducerOptions,
): Result<ProducerSpec[], JingleError> {
  const path = `content[${content.name}]`;
  const d = content.description;
  if (!d) return err(badRequest(`${path}.description`, 'missing'));
  const tracks = tracksOf(d);
  if (tracks.length === 0 && d.rids.length === 0) return ok([]);
  const codecs = sendingCodecs(d, options.routerRtpCapabilities);
  if (codecs.length === 0) {
    return err(
      notImplemented(`${path}.description`, `no ${d.media} codec in common with the router`, {
        reason: 'incompatible-parameters',
      }),
    );
  }
  const hasRtx = codecs.some((c) => c.mimeType.toLowerCase().endsWith('/rtx'));
  const knownUris = new Set(
    (options.routerRtpCapabilities.headerExtensions ?? [])
      .filter((h) => h.kind === d.media)
      .map((h) => h.uri),
  );
  const headerExtensions = d.headerExtensions
    .filter((h) => knownUris.has(h.uri) && h.id <= 255)
    .map((h) => ({ uri: h.uri, id: h.id }));
  const mode = options.simulcastScalabilityMode ?? 'L1T3';
  const spec = (
    track: Track | undefined,
    encodings: types.RtpEncodingParameters[],
    mid: boolean,
  ): ProducerSpec => {
    const rtpParameters: types.RtpParameters = {
      codecs,
      headerExtensions,
      encodings,
      rtcp: { reducedSize: true, mux: true },
    };
    if (track?.cname !== undefined)
      rtpParameters.rtcp = { ...rtpParameters.rtcp, cname: track.cname };
    if (mid) rtpParameters.mid = content.name;
    const result: ProducerSpec = { kind: d.media, rtpParameters };
    const [streamId, trackId] = (track?.msid ?? '').split(' ');
    if (streamId) result.streamId = streamId;
    if (trackId) result.trackId = trackId;
    return result;
  };
  const simulcastRids = d.ridGroups.find((g) => g.semantics === 'SIM')?.rids;
  if (tracks.length === 0 || simulcastRids) {
    // rid-based simulcast (SSRCs, if any, are not tied to layers): mediasoup matches by MID and RID header extensions.
    const rids = simulcastRids ?? d.rids;
    return ok([
      spec(
        tracks[0],
        rids.map((rid) => (rids.length > 1 ? { rid, scalabilityMode: mode } : { rid })),
        true,
      ),
    ]);
  }
  return ok(
    tracks.map((track) => {
      const encodings = track.layers.map((ssrc) => {
        const rtx = hasRtx ? track.rtx.get(ssrc) : undefined;
        const encoding: types.RtpEncodingParameters = { ssrc };
        if (rtx !== undefined) encoding.rtx = { ssrc: rtx };
        if (track.layers.length > 1) encoding.scalabilityMode = mode;
        return encoding;
      });
      // Several tracks in one content cannot share its MID in mediasoup: they go by SSRC alone.
      return spec(track, encodings, tracks.length === 1);
    }),
  );
}

/** The first media codec the router has, with its RTX: the codec libwebrtc sends with. */
function sendingCodecs(d: RtpDescription, caps: types.RtpCapabilities): types.RtpCodecParameters[] {
  const routerCodecs = (caps.codecs ?? []).filter((c) => c.kind === d.media);
  for (const pt of d.payloadTypes) {
    if (isRtx(pt)) continue;
    const codec = codecOf(pt, d.media, d.rtcpFeedback);
    if (!codec || !routerCodecs.some((c) => sameCodec(codec, c))) continue;
    const codecs = [codec];
    const rtxPt = d.payloadTypes.find(
      (p) => isRtx(p) && p.parameters.some((q) => q.name === 'apt' && Number(q.value) === pt.id),
    );
    const rtx = rtxPt ? codecOf(rtxPt, d.media) : undefined;
    if (rtx && routerCodecs.some((c) => c.mimeType.toLowerCase() === `${d.media}/rtx`))
      codecs.push(rtx);
    return codecs;
  }
  return [];
}

interface Track {
  msid: string | undefined;
  cname: string | undefined;
  /** Primary SSRCs, one per simulcast layer, lowest first. */
  layers: number[];
  /** Primary → RTX SSRC. */
  rtx: Map<number, number>;
}

function parameter(source: Source, name: string): string | undefined {
  return source.parameters.find((p) => p.name === name)?.value;
}

/** Sources grouped by msid (one track each), with their SIM layers and FID pairs. */
function tracksOf(d: RtpDescription): Track[] {
  const byMsid = new Map<string, Source[]>();
  for (const source of d.sources) {
    const key = parameter(source, 'msid') ?? '';
    byMsid.set(key, [...(byMsid.get(key) ?? []), source]);
  }
  const tracks: Track[] = [];
  for (const [msid, sources] of byMsid) {
    const ssrcs = new Set(sources.map((s) => s.ssrc));
    const groups = d.ssrcGroups.filter((g) => g.ssrcs.every((s) => ssrcs.has(s)));
    const rtx = new Map<number, number>();
    for (const g of groups) {
      const [primary, repair] = g.ssrcs;
      if (g.semantics === 'FID' && primary !== undefined && repair !== undefined)
        rtx.set(primary, repair);
    }
    const repairs = new Set(rtx.values());
    const sim = groups.find((g) => g.semantics === 'SIM')?.ssrcs;
    const primaries = sources.map((s) => s.ssrc).filter((s) => !repairs.has(s));
    const layers = sim ?? primaries.slice(0, 1);
    if (layers.length === 0) continue;
    tracks.push({
      msid: msid || undefined,
      cname: sources.map((s) => parameter(s, 'cname')).find(Boolean),
      layers,
      rtx,
    });
  }
  return tracks;
}

/**
 * The participant's RtpCapabilities for consume(): every codec and header
 * extension of its audio and video descriptions (its answer lists what it can
 * receive), with the payload types and ids it negotiated.
 */
export function rtpCapabilitiesOf(contents: readonly JingleContent[]): types.RtpCapabilities {
  const codecs: types.RtpCodecCapability[] = [];
  const headerExtensions: types.RtpHeaderExtension[] = [];
  for (const { description: d } of contents) {
    if (!d) continue;
    for (const pt of d.payloadTypes) {
      const codec = codecOf(pt, d.media, d.rtcpFeedback);
      if (!codec || codecs.some((c) => c.kind === d.media && c.preferredPayloadType === pt.id))
        continue;
      const capability: types.RtpCodecCapability = {
        kind: d.media,
        mimeType: codec.mimeType,
        preferredPayloadType: codec.payloadType,
        clockRate: codec.clockRate,
        parameters: codec.parameters,
        rtcpFeedback: codec.rtcpFeedback ?? [],
      };
      if (codec.channels !== undefined) capability.channels = codec.channels;
      codecs.push(capability);
    }
    for (const h of d.headerExtensions) {
      if (h.id > 255 || headerExtensions.some((e) => e.kind === d.media && e.uri === h.uri))
        continue;
      headerExtensions.push({
        kind: d.media,
        uri: h.uri,
        preferredId: h.id,
        direction: 'sendrecv',
      });
    }
  }
  return { codecs, headerExtensions };
}
