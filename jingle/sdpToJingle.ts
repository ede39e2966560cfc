/**
 * SDP (from RTCPeerConnection, Unified Plan) → Jingle contents and groups.
 * One content per m-line, named by its mid. Rejected m-lines (port 0 without
 * bundle-only) are left out and listed in `rejected`. The result is checked
 * with the same rules as a stanza from the network.
 */
import { parse as parseSdp, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { badRequest, type JingleError } from './JingleError';
import type {
  ContentGroup,
  DtlsFingerprint,
  HeaderExtension,
  IceUdpTransport,
  JingleContent,
  Parameter,
  PayloadType,
  RtcpFeedback,
  Role,
  RtpDescription,
  Source,
} from './model';
import { DTLS_SETUPS } from './model';
import { err, ok, type Result } from './result';
import { validateJingle } from './validate';
import { candidateFromSdp } from './sdpCandidates';
import { isDirection, sendersFromDirection } from './sdpDirection';

export interface SdpToJingleOptions {
  /** The Jingle role of the party that wrote this SDP. */
  role: Role;
  /** Creator of each content: a role for all, or a function of the mid. Default: 'initiator'. */
  creator?: Role | ((mid: string) => Role);
  /** Convert only these m-lines (by mid); default all. */
  mids?: readonly string[];
}

export interface JingleContents {
  contents: JingleContent[];
  groups: ContentGroup[];
  /** mids of rejected m-lines, which have no content. */
  rejected: string[];
}

export function sdpToJingle(
  sdp: string,
  options: SdpToJingleOptions,
): Result<JingleContents, JingleError> {
  if (typeof sdp !== 'string' || sdp.length > 1_000_000)
    return err(badRequest('sdp', 'not an SDP string'));
  let session: SessionDescription;
  try {
    session = parseSdp(sdp);
  } catch (e) {
    return err(badRequest('sdp', `unparseable: ${e instanceof Error ? e.message : String(e)}`));
  }
  const contents: JingleContent[] = [];
  const rejected: string[] = [];
  for (const [index, media] of (session.media ?? []).entries()) {
    const mid = media.mid === undefined ? undefined : String(media.mid);
    if (mid === undefined)
      return err(badRequest(`sdp.m[${index}]`, 'no a=mid (Unified Plan SDP required)'));
    if (options.mids && !options.mids.includes(mid)) continue;
    if (media.port === 0 && media.bundleOnly === undefined) {
      rejected.push(mid);
      continue;
    }
    const content = mediaToContent(session, media, mid, options);
    if (!content.ok) return content;
    contents.push(content.value);
  }
  const kept = new Set(contents.map((c) => c.name));
  const groups: ContentGroup[] = (session.groups ?? [])
    .map((g) => ({
      semantics: g.type,
      contents: String(g.mids)
        .split(' ')
        .filter((m) => kept.has(m)),
    }))
    .filter((g) => g.contents.length > 0);
  const checked = validateJingle({ action: 'session-initiate', sid: 'sdp', contents, groups });
  if (!checked.ok) return checked;
  return ok({ contents: checked.value.contents, groups: checked.value.groups, rejected });
}

/** The mids of an SDP's m-lines, in order (m-lines without a mid are skipped). */
export function sdpMids(sdp: string): string[] {
  try {
    return (parseSdp(sdp).media ?? []).flatMap((m) => (m.mid === undefined ? [] : [String(m.mid)]));
  } catch {
    return [];
  }
}

function mediaToContent(
  session: SessionDescription,
  media: MediaDescription,
  mid: string,
  options: SdpToJingleOptions,
): Result<JingleContent, JingleError> {
  const creator =
    typeof options.creator === 'function' ? options.creator(mid) : (options.creator ?? 'initiator');
  const direction = media.direction ?? session.direction ?? 'sendrecv';
  const content: JingleContent = {
    name: mid,
    creator,
    senders: sendersFromDirection(isDirection(direction) ? direction : 'sendrecv', options.role),
    transport: transportOf(session, media),
  };
  if (media.type === 'application') {
    const port = media.sctpPort ?? media.sctpmap?.sctpmapNumber;
    if (port === undefined)
      return err(badRequest(`sdp.m[${mid}]`, 'application m-line without SCTP port'));
    if (content.transport)
      content.transport.sctp = { port: Number(port), protocol: 'webrtc-datachannel' };
    return ok(content);
  }
  if (media.type !== 'audio' && media.type !== 'video') {
    return err(badRequest(`sdp.m[${mid}]`, `media '${media.type}' is not supported`));
  }
  content.description = descriptionOf(session, media, media.type, options.role);
  return ok(content);
}

function descriptionOf(
  session: SessionDescription,
  media: MediaDescription,
  kind: 'audio' | 'video',
  author: Role,
): RtpDescription {
  const order = String(media.payloads ?? '')
    .split(' ')
    .filter((p) => p !== '')
    .map(Number);
  const allFeedback = (media.rtcpFb ?? [])
    .filter((fb) => String(fb.payload) === '*')
    .map(feedbackOf);
  const description: RtpDescription = {
    media: kind,
    payloadTypes: order.map((id) => payloadTypeOf(media, id)),
    rtcpMux: media.rtcpMux !== undefined,
    rtcpFeedback: allFeedback,
    headerExtensions: (media.ext ?? []).map((e) => {
      const ext: HeaderExtension = { id: e.value, uri: e.uri };
      if (isDirection(e.direction)) ext.senders = sendersFromDirection(e.direction, author);
      return ext;
    }),
    extmapAllowMixed:
      media.extmapAllowMixed !== undefined || session.extmapAllowMixed !== undefined,
    sources: sourcesOf(media),
    ssrcGroups: (media.ssrcGroups ?? []).map((g) => ({
      semantics: g.semantics,
      ssrcs: String(g.ssrcs).split(' ').filter(Boolean).map(Number),
    })),
    rids: (media.rids ?? []).map((r) => String(r.id)),
    ridGroups: [],
  };
  const simulcast = media.simulcast;
  if (simulcast) {
    // a=simulcast:send q;h;f — one alternative per layer; take the first of each, unpaused.
    const rids = simulcast.list1
      .split(';')
      .map((alternatives) => (alternatives.split(',')[0] ?? '').replace(/^~/, ''))
      .filter((rid) => rid !== '');
    if (rids.length > 0) description.ridGroups.push({ semantics: 'SIM', rids });
  }
  const bandwidth = media.bandwidth?.[0];
  if (bandwidth) description.bandwidth = { type: bandwidth.type, value: bandwidth.limit };
  return description;
}

function feedbackOf(fb: { type: string; subtype?: string }): RtcpFeedback {
  return fb.subtype === undefined ? { type: fb.type } : { type: fb.type, subtype: fb.subtype };
}

function payloadTypeOf(media: MediaDescription, id: number): PayloadType {
  const rtp = media.rtp.find((r) => r.payload === id);
  const fmtp = media.fmtp.filter((f) => f.payload === id);
  const pt: PayloadType = {
    id,
    parameters: fmtp.flatMap((f) => formatParameters(String(f.config))),
    rtcpFeedback: (media.rtcpFb ?? [])
      .filter((fb) => String(fb.payload) === String(id))
      .map(feedbackOf),
  };
  if (rtp) {
    pt.name = rtp.codec;
    if (rtp.rate !== undefined) pt.clockrate = rtp.rate;
    if (rtp.encoding !== undefined && Number(rtp.encoding) > 1) pt.channels = Number(rtp.encoding);
  }
  if (media.ptime !== undefined && media.type === 'audio') pt.ptime = media.ptime;
  if (media.maxptime !== undefined && media.type === 'audio') pt.maxptime = media.maxptime;
  return pt;
}

/** `minptime=10; useinbandfec=1` → parameters; a part without `=` is a bare value (red's `111/111`). */
export function formatParameters(config: string): Parameter[] {
  return config
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0
        ? { name: '', value: part }
        : { name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() };
    });
}

function sourcesOf(media: MediaDescription): Source[] {
  const sources = new Map<number, Source>();
  for (const line of media.ssrcs ?? []) {
    const ssrc = Number(line.id);
    let source = sources.get(ssrc);
    if (!source) {
      source = { ssrc, parameters: [] };
      sources.set(ssrc, source);
    }
    source.parameters.push(
      line.value === undefined
        ? { name: line.attribute }
        : { name: line.attribute, value: String(line.value) },
    );
  }
  // Unified Plan carries the track's msid on the m-line (Firefox only there): copy it to each source.
  const value = msidOf(media);
  if (value !== undefined) {
    for (const source of sources.values()) {
      if (!source.parameters.some((p) => p.name === 'msid'))
        source.parameters.push({ name: 'msid', value });
    }
  }
  return [...sources.values()];
}

/** The m-line's `a=msid` value; sdp-transform leaves ids with braces (Firefox) in `invalid`. */
function msidOf(media: MediaDescription): string | undefined {
  const msid = media.msid?.[0];
  if (msid) return msid.appdata === undefined ? String(msid.id) : `${msid.id} ${msid.appdata}`;
  for (const line of media.invalid ?? []) {
    const match = /^msid:(\S+(?: \S+)?)$/.exec(line.value);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

function transportOf(session: SessionDescription, media: MediaDescription): IceUdpTransport {
  const transport: IceUdpTransport = {
    candidates: (media.candidates ?? []).flatMap((c) => candidateFromSdp(c) ?? []),
    fingerprints: [],
    gatheringComplete: media.endOfCandidates !== undefined,
  };
  const ufrag = media.iceUfrag ?? session.iceUfrag;
  const pwd = media.icePwd ?? session.icePwd;
  if (ufrag !== undefined) transport.ufrag = String(ufrag);
  if (pwd !== undefined) transport.pwd = String(pwd);
  const fingerprint = media.fingerprint ?? session.fingerprint;
  if (fingerprint) {
    const f: DtlsFingerprint = { hash: fingerprint.type.toLowerCase(), value: fingerprint.hash };
    const setup = DTLS_SETUPS.find((s) => s === (media.setup ?? session.setup));
    if (setup) f.setup = setup;
    transport.fingerprints.push(f);
  }
  return transport;
}
