/**
 * Jingle contents → SDP for RTCPeerConnection.setRemoteDescription, one
 * m-line per content in the given order (Unified Plan, mid = content name).
 * A section marked rejected becomes a port-0 m-line outside BUNDLE, as JSEP
 * requires for a removed content.
 */
import { write as writeSdp, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { badRequest, type JingleError } from './JingleError';
import {
  sendersOf,
  type ContentGroup,
  type IceUdpTransport,
  type JingleContent,
  type Role,
  type RtpDescription,
} from './model';
import { err, ok, type Result } from './result';
import { candidateToSdp } from './sdpCandidates';
import { authorSends, directionFromSenders } from './sdpDirection';

export type SdpType = 'offer' | 'answer';

export interface MediaSection {
  content: JingleContent;
  /** A removed or refused content: port 0, no candidates, not bundled. */
  rejected?: boolean;
}

export interface JingleToSdpOptions {
  /** The Jingle role of the party that the contents describe (the SDP's author). */
  role: Role;
  type: SdpType;
  /** o= line session id (decimal digits); default '1'. */
  sessionId?: string;
  /** o= line version; increase it for each new description of the session. */
  sessionVersion?: number;
  /** The author is an ICE-lite agent (a=ice-lite), e.g. mediasoup. */
  iceLite?: boolean;
  /** DTLS setup to use where a fingerprint has none; default actpass in offers, active in answers. */
  defaultSetup?: 'active' | 'passive' | 'actpass';
}

/** Renders an SDP. Contents or sections, in m-line order. */
export function jingleToSdp(
  sections: readonly (MediaSection | JingleContent)[],
  groups: readonly ContentGroup[],
  options: JingleToSdpOptions,
): Result<string, JingleError> {
  const list: MediaSection[] = sections.map((s) => ('content' in s ? s : { content: s }));
  const media: MediaDescription[] = [];
  for (const section of list) {
    const transport =
      section.content.transport ?? bundleTransport(section.content.name, list, groups);
    if (!transport) return err(badRequest(`content[${section.content.name}]`, 'no transport'));
    const m = mediaSection(section, transport, options);
    if (!m.ok) return m;
    media.push(m.value);
  }
  const live = new Set(list.filter((s) => !s.rejected).map((s) => s.content.name));
  const session: SessionDescription = {
    version: 0,
    origin: {
      username: '-',
      sessionId: options.sessionId ?? '1',
      sessionVersion: options.sessionVersion ?? 1,
      netType: 'IN',
      ipVer: 4,
      address: '0.0.0.0',
    },
    name: '-',
    timing: { start: 0, stop: 0 },
    groups: groups
      .map((g) => ({
        type: g.semantics,
        mids: g.contents.filter((name) => live.has(name)).join(' '),
      }))
      .filter((g) => g.mids !== ''),
    msidSemantic: { semantic: 'WMS', token: '*' },
    iceOptions: 'trickle',
    media,
  };
  if (options.iceLite) session.icelite = 'ice-lite';
  return ok(writeSdp(session));
}

/** The transport of the first content bundled with this one that has one. */
function bundleTransport(
  name: string,
  sections: readonly MediaSection[],
  groups: readonly ContentGroup[],
): IceUdpTransport | undefined {
  const group = groups.find((g) => g.semantics === 'BUNDLE' && g.contents.includes(name));
  if (!group) return undefined;
  for (const member of group.contents) {
    const transport = sections.find((s) => s.content.name === member && !s.rejected)?.content
      .transport;
    if (transport) return transport;
  }
  return undefined;
}

function mediaSection(
  section: MediaSection,
  transport: IceUdpTransport,
  options: JingleToSdpOptions,
): Result<MediaDescription, JingleError> {
  const { content } = section;
  const senders = sendersOf(content);
  const m: MediaDescription = {
    type: 'audio',
    port: section.rejected ? 0 : 9,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: '',
    rtp: [],
    fmtp: [],
    connection: { version: 4, ip: '0.0.0.0' },
    mid: content.name,
    direction: section.rejected ? 'inactive' : directionFromSenders(senders, options.role),
  };
  if (transport.ufrag !== undefined) m.iceUfrag = transport.ufrag;
  if (transport.pwd !== undefined) m.icePwd = transport.pwd;
  const fingerprint =
    transport.fingerprints.find((f) => f.hash === 'sha-256') ?? transport.fingerprints[0];
  if (fingerprint) m.fingerprint = { type: fingerprint.hash, hash: fingerprint.value };
  m.setup = setupFor(fingerprint?.setup, options);
  if (!section.rejected) {
    m.candidates = transport.candidates.map(candidateToSdp);
    if (transport.gatheringComplete) m.endOfCandidates = 'end-of-candidates';
  }
  if (content.description) {
    writeRtp(
      m,
      content.description,
      options.role,
      authorSends(senders, options.role),
      section.rejected === true,
    );
    return ok(m);
  }
  if (transport.sctp) {
    m.type = 'application';
    m.protocol = 'UDP/DTLS/SCTP';
    m.payloads = 'webrtc-datachannel';
    m.sctpPort = transport.sctp.port;
    m.maxMessageSize = 262144;
    return ok(m);
  }
  return err(
    badRequest(`content[${content.name}]`, 'neither an RTP description nor an SCTP association'),
  );
}

function setupFor(setup: string | undefined, options: JingleToSdpOptions): string {
  if (setup === 'active' || setup === 'passive' || setup === 'actpass') {
    // An answer cannot say actpass: the answerer must pick a role.
    if (setup === 'actpass' && options.type === 'answer') return options.defaultSetup ?? 'active';
    return setup;
  }
  return options.defaultSetup ?? (options.type === 'offer' ? 'actpass' : 'active');
}

function writeRtp(
  m: MediaDescription,
  d: RtpDescription,
  author: Role,
  sends: boolean,
  rejected: boolean,
): void {
  m.type = d.media;
  m.payloads = d.payloadTypes.map((pt) => pt.id).join(' ');
  m.rtp = d.payloadTypes
    .filter((pt) => pt.name !== undefined)
    .map((pt) => {
      const rtp: MediaDescription['rtp'][number] = {
        payload: pt.id,
        codec: pt.name ?? '',
        rate: pt.clockrate,
      };
      if (pt.channels !== undefined && pt.channels > 1) rtp.encoding = pt.channels;
      return rtp;
    });
  m.fmtp = d.payloadTypes
    .filter((pt) => pt.parameters.length > 0)
    .map((pt) => ({
      payload: pt.id,
      config: pt.parameters
        .map((p) => (p.name === '' ? p.value : `${p.name}=${p.value}`))
        .join(';'),
    }));
  m.rtcpFb = [
    ...d.rtcpFeedback.map((fb) => ({ payload: '*', ...fb })),
    ...d.payloadTypes.flatMap((pt) => pt.rtcpFeedback.map((fb) => ({ payload: pt.id, ...fb }))),
  ];
  const ptime = d.payloadTypes.find((pt) => pt.ptime !== undefined)?.ptime;
  const maxptime = d.payloadTypes.find((pt) => pt.maxptime !== undefined)?.maxptime;
  if (ptime !== undefined) m.ptime = ptime;
  if (maxptime !== undefined) m.maxptime = maxptime;
  m.ext = d.headerExtensions.map((e) => {
    const ext: NonNullable<MediaDescription['ext']>[number] = { value: e.id, uri: e.uri };
    if (e.senders !== undefined && e.senders !== 'both')
      ext.direction = directionFromSenders(e.senders, author);
    return ext;
  });
  if (d.extmapAllowMixed) m.extmapAllowMixed = 'extmap-allow-mixed';
  if (d.rtcpMux) m.rtcpMux = 'rtcp-mux';
  if (d.bandwidth) {
    m.bandwidth = [{ type: d.bandwidth.type as 'AS', limit: d.bandwidth.value }];
  }
  if (rejected) return;
  const msid = d.sources.flatMap((s) => s.parameters).find((p) => p.name === 'msid')?.value;
  if (msid !== undefined) {
    const [id = '-', appdata] = msid.split(' ');
    m.msid = [appdata === undefined ? { id } : { id, appdata }];
  }
  m.ssrcGroups = d.ssrcGroups.map((g) => ({ semantics: g.semantics, ssrcs: g.ssrcs.join(' ') }));
  m.ssrcs = d.sources.flatMap((s) =>
    s.parameters.map((p) =>
      p.value === undefined
        ? { id: s.ssrc, attribute: p.name }
        : { id: s.ssrc, attribute: p.name, value: p.value },
    ),
  );
  if (d.rids.length > 0) {
    const direction = sends ? 'send' : 'recv';
    m.rids = d.rids.map((id) => ({ id, direction }));
    const sim = d.ridGroups.find((g) => g.semantics === 'SIM');
    if (sim) m.simulcast = { dir1: direction, list1: sim.rids.join(';') };
  }
}

/** A decimal o= session id derived from a Jingle sid (FNV-1a), stable for the session. */
export function numericSessionId(sid: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sid.length; i++) hash = Math.imul(hash ^ sid.charCodeAt(i), 0x01000193) >>> 0;
  return String(hash + 1);
}
