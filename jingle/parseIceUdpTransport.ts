/**
 * XEP-0176 `<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>` with
 * XEP-0320 fingerprints, the dtls-sctp:1 `sctpmap`, and `<gathering-complete/>`
 * (end of trickled candidates). Candidates of protocols other than udp/tcp
 * (e.g. Google's ssltcp) are skipped; unknown children are ignored.
 */
import type { Element } from '@xmpp/xml';
import { LIMITS, MAX_UINT32 } from './limits';
import {
  CANDIDATE_TYPES,
  DTLS_SETUPS,
  TCP_TYPES,
  type DtlsFingerprint,
  type IceCandidate,
  type IceUdpTransport,
  type SctpMap,
} from './model';
import { NS } from './namespaces';
import {
  child,
  children,
  elementChildren,
  fail,
  optionalEnum,
  optionalInteger,
  optionalString,
  requiredEnum,
  requiredInteger,
  requiredString,
  textOf,
} from './xmlReaders';

const ADDRESS = /^[0-9A-Za-z.:%_-]+$/;
const FINGERPRINT = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,63}$/;

export function parseIceUdpTransport(el: Element, path: string): IceUdpTransport {
  const transport: IceUdpTransport = {
    candidates: [],
    fingerprints: children(el, 'fingerprint', NS.DTLS, path, LIMITS.fingerprints).map((f, i) =>
      parseFingerprint(f, `${path}.fingerprint[${i}]`),
    ),
    gatheringComplete: elementChildren(el).some(
      (c) => c.getName() === 'gathering-complete' && c.getNS() === NS.ICE_UDP,
    ),
  };
  children(el, 'candidate', NS.ICE_UDP, path, LIMITS.candidates).forEach((c, i) => {
    const candidate = parseCandidate(c, `${path}.candidate[${i}]`);
    if (candidate) transport.candidates.push(candidate);
  });
  const ufrag = optionalString(el, 'ufrag', path);
  const pwd = optionalString(el, 'pwd', path);
  if (ufrag !== undefined) transport.ufrag = ufrag;
  if (pwd !== undefined) transport.pwd = pwd;
  const sctpEl = child(el, 'sctpmap', NS.DTLS_SCTP, path);
  if (sctpEl) transport.sctp = parseSctpMap(sctpEl, `${path}.sctpmap`);
  return transport;
}

function address(el: Element, name: string, path: string): string | undefined {
  const value = optionalString(el, name, path, { max: 255 });
  if (value !== undefined && !ADDRESS.test(value))
    fail(`${path}.@${name}`, 'not an IP address or host name');
  return value;
}

function parseCandidate(el: Element, path: string): IceCandidate | undefined {
  const protocol = requiredString(el, 'protocol', path, { max: 16 }).toLowerCase();
  const ip = address(el, 'ip', path);
  if (ip === undefined) fail(`${path}.@ip`, 'missing');
  const candidate: IceCandidate = {
    component: requiredInteger(el, 'component', path, 1, 256),
    foundation: requiredString(el, 'foundation', path, { max: 32 }),
    generation: optionalInteger(el, 'generation', path, 0, MAX_UINT32) ?? 0,
    ip,
    port: requiredInteger(el, 'port', path, 0, 65535),
    priority: requiredInteger(el, 'priority', path, 0, MAX_UINT32),
    protocol: 'udp',
    type: requiredEnum(el, 'type', path, CANDIDATE_TYPES),
  };
  const id = optionalString(el, 'id', path, { max: 64 });
  const network = optionalInteger(el, 'network', path, 0, MAX_UINT32);
  const relAddr = address(el, 'rel-addr', path);
  const relPort = optionalInteger(el, 'rel-port', path, 0, 65535);
  const tcptype = optionalEnum(el, 'tcptype', path, TCP_TYPES);
  if (id !== undefined) candidate.id = id;
  if (network !== undefined) candidate.network = network;
  if (relAddr !== undefined) candidate.relAddr = relAddr;
  if (relPort !== undefined) candidate.relPort = relPort;
  if (protocol === 'tcp') {
    candidate.protocol = 'tcp';
    if (tcptype !== undefined) candidate.tcptype = tcptype;
  } else if (protocol !== 'udp') {
    return undefined;
  }
  return candidate;
}

function parseFingerprint(el: Element, path: string): DtlsFingerprint {
  const value = textOf(el, path, 200).trim();
  if (!FINGERPRINT.test(value)) fail(path, 'not a colon-separated hex fingerprint');
  const fingerprint: DtlsFingerprint = {
    hash: requiredString(el, 'hash', path, { max: 32 }).toLowerCase(),
    value,
  };
  const setup = optionalEnum(el, 'setup', path, DTLS_SETUPS);
  if (setup !== undefined) fingerprint.setup = setup;
  return fingerprint;
}

function parseSctpMap(el: Element, path: string): SctpMap {
  const sctp: SctpMap = {
    port: requiredInteger(el, 'number', path, 1, 65535),
    protocol: requiredString(el, 'protocol', path, { max: 64 }),
  };
  const streams = optionalInteger(el, 'streams', path, 0, 65535);
  if (streams !== undefined) sctp.streams = streams;
  return sctp;
}
