/**
 * Upper bounds on what a peer may send. Anything above them is refused with
 * bad-request rather than processed: they keep memory, CPU and generated SDP
 * small whatever a remote party sends.
 */
export const LIMITS = {
  contents: 256,
  groups: 16,
  // Chromium's subsequent offers list every codec it has: 30+ video payload types.
  payloadTypes: 64,
  parametersPerPayloadType: 32,
  rtcpFeedbackPerPayloadType: 32,
  headerExtensions: 32,
  sources: 64,
  parametersPerSource: 16,
  ssrcGroups: 64,
  ssrcsPerGroup: 16,
  rids: 16,
  candidates: 64,
  fingerprints: 8,
  /** sid, content names, ufrag, pwd, tokens. */
  shortString: 256,
  /** Parameter values, URIs. */
  mediumString: 1024,
  /** JIDs (RFC 7622 allows 3071 bytes). */
  jid: 3071,
  /** Reason text. */
  text: 4096,
} as const;

export const MAX_UINT32 = 4294967295;
