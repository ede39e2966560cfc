/**
 * Typed model of a Jingle IQ payload: the `<jingle/>` element and everything
 * this library understands inside it. Plain data (no classes), safe to clone
 * with structuredClone and to compare with deep equality.
 *
 * XEP-0166 (Jingle 1.1.2), XEP-0167 (RTP 1.2), XEP-0176 (ICE-UDP 1.1),
 * XEP-0320 (DTLS-SRTP 1.0), XEP-0338 (grouping 1.0), XEP-0339 (source-specific
 * media attributes 1.0), XEP-0293 (rtcp-fb 1.0), XEP-0294 (rtp-hdrext 1.1),
 * plus the dtls-sctp:1 `sctpmap` used by Jitsi.
 */

export const JINGLE_ACTIONS = [
  'content-accept',
  'content-add',
  'content-modify',
  'content-reject',
  'content-remove',
  'description-info',
  'security-info',
  'session-accept',
  'session-info',
  'session-initiate',
  'session-terminate',
  'transport-accept',
  'transport-info',
  'transport-reject',
  'transport-replace',
] as const;
export type JingleAction = (typeof JINGLE_ACTIONS)[number];

/** A party of the session. */
export const ROLES = ['initiator', 'responder'] as const;
export type Role = (typeof ROLES)[number];

/** Who sends media on a content (XEP-0166 `senders`). Absent means `both`. */
export const SENDERS = ['both', 'initiator', 'responder', 'none'] as const;
export type Senders = (typeof SENDERS)[number];

export type MediaKind = 'audio' | 'video';

/** The `<jingle/>` payload of an IQ-set. */
export interface JinglePayload {
  action: JingleAction;
  sid: string;
  /** Full JID of the initiator (SHOULD on session-initiate). */
  initiator?: string;
  /** Full JID of the responder (SHOULD on session-accept). */
  responder?: string;
  contents: JingleContent[];
  /** XEP-0338 groups, e.g. BUNDLE. */
  groups: ContentGroup[];
  reason?: JingleReason;
  /** XEP-0167 informational payload of a session-info; absent for a ping. */
  info?: SessionInfo;
}

export interface JingleContent {
  name: string;
  creator: Role;
  /** Absent means the XEP-0166 default, `both`. */
  senders?: Senders;
  /** Absent means the XEP-0166 default, `session`. */
  disposition?: string;
  description?: RtpDescription;
  transport?: IceUdpTransport;
}

/** XEP-0167 `<description xmlns='urn:xmpp:jingle:apps:rtp:1'/>`. */
export interface RtpDescription {
  media: MediaKind;
  /** XEP-0167 `ssrc` attribute (single-source legacy form). */
  ssrc?: number;
  payloadTypes: PayloadType[];
  bandwidth?: Bandwidth;
  rtcpMux: boolean;
  /** XEP-0293 feedback for every payload type (`a=rtcp-fb:*`). */
  rtcpFeedback: RtcpFeedback[];
  /** XEP-0294. */
  headerExtensions: HeaderExtension[];
  /** XEP-0294 `<extmap-allow-mixed/>`. */
  extmapAllowMixed: boolean;
  /** XEP-0339 sources. */
  sources: Source[];
  /** XEP-0339 ssrc-groups (FID for RTX, SIM for simulcast). */
  ssrcGroups: SsrcGroup[];
  /** RTP stream ids, `<source rid='…'/>` in the XEP-0339 namespace (as Jitsi sends them). */
  rids: string[];
  /** `<rid-group semantics='SIM'>`: the rid simulcast layers, lowest first. */
  ridGroups: RidGroup[];
}

export interface PayloadType {
  /** 0..127. */
  id: number;
  name?: string;
  clockrate?: number;
  /** Absent means 1. */
  channels?: number;
  ptime?: number;
  maxptime?: number;
  /** Format parameters (`a=fmtp`). A parameter with an empty name is a bare value, e.g. red's `111/111`. */
  parameters: Parameter[];
  /** XEP-0293 feedback for this payload type. */
  rtcpFeedback: RtcpFeedback[];
}

export interface Parameter {
  name: string;
  value: string;
}

export interface RtcpFeedback {
  type: string;
  subtype?: string;
}

export interface Bandwidth {
  /** SDP bandwidth type, e.g. `AS` or `TIAS`. */
  type: string;
  value: number;
}

export interface HeaderExtension {
  /** 1..255 or 4096..4351. */
  id: number;
  uri: string;
  /** Absent means `both`. */
  senders?: Senders;
}

export interface Source {
  /** 1..2^32-1. */
  ssrc: number;
  /** e.g. `cname`, `msid` (value `streamId trackId`). A parameter may have no value. */
  parameters: SourceParameter[];
  /**
   * Who sends this source, as an occupant JID (room@service/nick): Jitsi's
   * `<ssrc-info xmlns='http://jitsi.org/jitmeet' owner='…'/>`, which the focus
   * adds to the tracks it forwards. Not representable in SDP.
   */
  owner?: string;
}

export interface SourceParameter {
  name: string;
  value?: string;
}

export interface SsrcGroup {
  /** e.g. `FID`, `SIM`, `FEC-FR`. */
  semantics: string;
  ssrcs: number[];
}

export interface RidGroup {
  semantics: string;
  rids: string[];
}

/** XEP-0176 `<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>`. */
export interface IceUdpTransport {
  ufrag?: string;
  pwd?: string;
  candidates: IceCandidate[];
  /** XEP-0320 fingerprints. */
  fingerprints: DtlsFingerprint[];
  /** The data channel's SCTP association (`<sctpmap xmlns='urn:xmpp:jingle:transports:dtls-sctp:1'/>`). */
  sctp?: SctpMap;
  /** `<gathering-complete/>`: no more candidates will follow (trickle ICE end-of-candidates). */
  gatheringComplete: boolean;
}

export const CANDIDATE_TYPES = ['host', 'prflx', 'relay', 'srflx'] as const;
export type CandidateType = (typeof CANDIDATE_TYPES)[number];

export const TCP_TYPES = ['active', 'passive', 'so'] as const;
export type TcpType = (typeof TCP_TYPES)[number];

export interface IceCandidate {
  component: number;
  foundation: string;
  generation: number;
  /** XEP-0176 requires one; SDP has none, so the serializer derives a stable one when absent. */
  id?: string;
  /** IPv4, IPv6, or an mDNS `.local` name. */
  ip: string;
  network?: number;
  port: number;
  priority: number;
  protocol: 'udp' | 'tcp';
  type: CandidateType;
  relAddr?: string;
  relPort?: number;
  tcptype?: TcpType;
}

export const DTLS_SETUPS = ['active', 'passive', 'actpass', 'holdconn'] as const;
export type DtlsSetup = (typeof DTLS_SETUPS)[number];

export interface DtlsFingerprint {
  /** Hash function name, e.g. `sha-256`. */
  hash: string;
  /** Colon-separated hex bytes. */
  value: string;
  setup?: DtlsSetup;
}

export interface SctpMap {
  /** SCTP port (`number` attribute). */
  port: number;
  protocol: string;
  streams?: number;
}

/** XEP-0338 `<group/>`. */
export interface ContentGroup {
  semantics: string;
  contents: string[];
}

export const REASON_CONDITIONS = [
  'alternative-session',
  'busy',
  'cancel',
  'connectivity-error',
  'decline',
  'expired',
  'failed-application',
  'failed-transport',
  'general-error',
  'gone',
  'incompatible-parameters',
  'media-error',
  'security-error',
  'success',
  'timeout',
  'unsupported-applications',
  'unsupported-transports',
] as const;
export type ReasonCondition = (typeof REASON_CONDITIONS)[number];

export interface JingleReason {
  condition: ReasonCondition;
  /** The other session, for `alternative-session`. */
  alternativeSid?: string;
  text?: string;
}

/** XEP-0167 session-info payloads. */
export type SessionInfo =
  | { type: 'active' | 'hold' | 'unhold' | 'ringing' }
  | { type: 'mute' | 'unmute'; creator?: Role; name?: string };

/** The senders value of a content, applying the XEP-0166 default. */
export function sendersOf(content: Pick<JingleContent, 'senders'>): Senders {
  return content.senders ?? 'both';
}

/** The other party. */
export function otherRole(role: Role): Role {
  return role === 'initiator' ? 'responder' : 'initiator';
}
