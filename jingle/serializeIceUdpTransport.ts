/**
 * IceUdpTransport → `<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>`
 * with XEP-0320 fingerprints, the dtls-sctp:1 sctpmap and gathering-complete.
 */
import xml, { type Element } from '@xmpp/xml';
import type { IceCandidate, IceUdpTransport } from './model';
import { NS } from './namespaces';

export function serializeIceUdpTransport(t: IceUdpTransport): Element {
  const el = xml('transport', { xmlns: NS.ICE_UDP, ufrag: t.ufrag, pwd: t.pwd });
  for (const f of t.fingerprints) {
    el.cnode(xml('fingerprint', { xmlns: NS.DTLS, hash: f.hash, setup: f.setup }, f.value));
  }
  if (t.sctp) {
    el.cnode(
      xml('sctpmap', {
        xmlns: NS.DTLS_SCTP,
        number: t.sctp.port,
        protocol: t.sctp.protocol,
        streams: t.sctp.streams,
      }),
    );
  }
  for (const c of t.candidates) el.cnode(serializeCandidate(c));
  if (t.gatheringComplete) el.cnode(xml('gathering-complete'));
  return el;
}

function serializeCandidate(c: IceCandidate): Element {
  return xml('candidate', {
    component: c.component,
    foundation: c.foundation,
    generation: c.generation,
    id: c.id ?? candidateId(c),
    ip: c.ip,
    network: c.network,
    port: c.port,
    priority: c.priority,
    protocol: c.protocol,
    type: c.type,
    'rel-addr': c.relAddr,
    'rel-port': c.relPort,
    tcptype: c.tcptype,
  });
}

/** A stable id for a candidate that has none (candidates from SDP): FNV-1a of its address. */
export function candidateId(c: IceCandidate): string {
  const key = `${c.foundation}/${c.component}/${c.protocol}/${c.ip}/${c.port}/${c.type}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `c${hash.toString(16).padStart(8, '0')}`;
}
