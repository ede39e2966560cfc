/**
 * ICE candidates between the Jingle model and SDP: sdp-transform's candidate
 * objects (for whole descriptions) and `candidate:…` strings (for trickle,
 * i.e. RTCIceCandidateInit.candidate).
 */
import { parse as parseSdp, type MediaAttributes } from 'sdp-transform';
import { CANDIDATE_TYPES, TCP_TYPES, type IceCandidate } from './model';

export type SdpCandidate = NonNullable<MediaAttributes['candidates']>[number];

const ADDRESS = /^[0-9A-Za-z.:%_-]{1,255}$/;
const FOUNDATION = /^[\u0021-\u007e]{1,32}$/;

function inRange(n: unknown, min: number, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}

/**
 * The model of an SDP candidate, or undefined when it is unusable: unknown
 * protocol or type, or values out of range.
 */
export function candidateFromSdp(c: SdpCandidate): IceCandidate | undefined {
  const protocol = String(c.transport).toLowerCase();
  const type = CANDIDATE_TYPES.find((t) => t === c.type);
  const foundation = String(c.foundation);
  if (protocol !== 'udp' && protocol !== 'tcp') return undefined;
  if (!type || !FOUNDATION.test(foundation) || !ADDRESS.test(String(c.ip))) return undefined;
  if (
    !inRange(c.component, 1, 256) ||
    !inRange(c.port, 0, 65535) ||
    !inRange(c.priority, 0, 4294967295)
  ) {
    return undefined;
  }
  const candidate: IceCandidate = {
    component: c.component,
    foundation,
    generation: inRange(c.generation, 0, 4294967295) ? c.generation : 0,
    ip: String(c.ip),
    port: c.port,
    priority: c.priority,
    protocol,
    type,
  };
  const network = c['network-id'];
  if (inRange(network, 0, 4294967295)) candidate.network = network;
  if (c.raddr !== undefined && ADDRESS.test(String(c.raddr))) candidate.relAddr = String(c.raddr);
  if (inRange(c.rport, 0, 65535)) candidate.relPort = c.rport;
  if (protocol === 'tcp') {
    const tcptype = TCP_TYPES.find((t) => t === c.tcptype);
    if (tcptype) candidate.tcptype = tcptype;
  }
  return candidate;
}

export function candidateToSdp(c: IceCandidate): SdpCandidate {
  const out: SdpCandidate = {
    foundation: c.foundation,
    component: c.component,
    transport: c.protocol,
    priority: c.priority,
    ip: c.ip,
    port: c.port,
    type: c.type,
  };
  if (c.relAddr !== undefined) out.raddr = c.relAddr;
  if (c.relPort !== undefined) out.rport = c.relPort;
  if (c.tcptype !== undefined) out.tcptype = c.tcptype;
  out.generation = c.generation;
  if (c.network !== undefined) out['network-id'] = c.network;
  return out;
}

/** Parses `candidate:…` (with or without `a=`), as found in RTCIceCandidate.candidate. */
export function parseCandidateLine(line: string): IceCandidate | undefined {
  // eslint-disable-next-line no-control-regex
  if (line.length > 1024 || /[\u0000-\u001f]/.test(line)) return undefined;
  const attribute = line.startsWith('a=') ? line.slice(2) : line;
  const media = parseSdp(`m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=${attribute}\r\n`).media[0];
  const sdpCandidate = media?.candidates?.[0];
  return sdpCandidate ? candidateFromSdp(sdpCandidate) : undefined;
}

/** `candidate:…` for RTCIceCandidateInit.candidate (the grammar of RFC 8839 5.1). */
export function candidateLine(c: IceCandidate): string {
  let line = `candidate:${c.foundation} ${c.component} ${c.protocol} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`;
  if (c.relAddr !== undefined) line += ` raddr ${c.relAddr}`;
  if (c.relPort !== undefined) line += ` rport ${c.relPort}`;
  if (c.tcptype !== undefined) line += ` tcptype ${c.tcptype}`;
  line += ` generation ${c.generation}`;
  if (c.network !== undefined) line += ` network-id ${c.network}`;
  return line;
}
