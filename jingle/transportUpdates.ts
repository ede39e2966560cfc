/**
 * How a later transport (trickle ICE transport-info, transport-replace)
 * combines with the one a content already has.
 */
import type { IceCandidate, IceUdpTransport } from './model';
import { candidateLine } from './sdpCandidates';

/** An RTCIceCandidateInit; an empty `candidate` is the end-of-candidates marker. */
export interface TrickleCandidate {
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
  usernameFragment?: string;
}

/** The candidates of a trickled transport, for RTCPeerConnection.addIceCandidate. */
export function trickleCandidates(
  transport: IceUdpTransport,
  sdpMid: string,
  sdpMLineIndex: number,
  ufrag: string | undefined,
): TrickleCandidate[] {
  const list: TrickleCandidate[] = transport.candidates.map((c) => {
    const init: TrickleCandidate = { candidate: candidateLine(c), sdpMid, sdpMLineIndex };
    if (ufrag !== undefined) init.usernameFragment = ufrag;
    return init;
  });
  if (transport.gatheringComplete) list.push({ candidate: '', sdpMid, sdpMLineIndex });
  return list;
}

/** False when `next` names other ICE credentials: an ICE restart. */
export function sameIceCredentials(current: IceUdpTransport, next: IceUdpTransport): boolean {
  if (next.ufrag === undefined || current.ufrag === undefined) return true;
  return next.ufrag === current.ufrag && (next.pwd === undefined || next.pwd === current.pwd);
}

/**
 * The transport after `next`: a restart replaces it; otherwise candidates
 * accumulate (without duplicates) and the other fields are updated when given.
 */
export function mergeTransport(
  current: IceUdpTransport | undefined,
  next: IceUdpTransport,
): IceUdpTransport {
  if (!current || !sameIceCredentials(current, next))
    return { ...next, candidates: [...next.candidates] };
  const merged: IceUdpTransport = {
    candidates: [...current.candidates],
    fingerprints: next.fingerprints.length > 0 ? next.fingerprints : current.fingerprints,
    gatheringComplete: current.gatheringComplete || next.gatheringComplete,
  };
  for (const candidate of next.candidates) {
    if (!merged.candidates.some((c) => sameAddress(c, candidate)))
      merged.candidates.push(candidate);
  }
  const ufrag = next.ufrag ?? current.ufrag;
  const pwd = next.pwd ?? current.pwd;
  const sctp = next.sctp ?? current.sctp;
  if (ufrag !== undefined) merged.ufrag = ufrag;
  if (pwd !== undefined) merged.pwd = pwd;
  if (sctp !== undefined) merged.sctp = sctp;
  return merged;
}

function sameAddress(a: IceCandidate, b: IceCandidate): boolean {
  return (
    a.ip === b.ip && a.port === b.port && a.protocol === b.protocol && a.component === b.component
  );
}
