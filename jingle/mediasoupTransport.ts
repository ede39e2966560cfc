/**
 * Focus side: a mediasoup WebRtcTransport's ICE and DTLS parameters ↔ the
 * XEP-0176 ICE-UDP transport with XEP-0320 fingerprints.
 */
import type { types } from 'mediasoup';
import { badRequest, type JingleError } from './JingleError';
import type { DtlsSetup, IceCandidate, IceUdpTransport, SctpMap } from './model';
import { err, ok, type Result } from './result';

export interface WebRtcTransportParameters {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
  /** transport.sctpParameters when SCTP is enabled. */
  sctpParameters?: types.SctpParameters;
}

export interface TransportOptions {
  /** Default 'actpass' (the focus offers and lets the participant pick). */
  setup?: DtlsSetup;
  /** Fingerprint algorithms to announce; default sha-256 only (what XEP-0320 peers expect). */
  algorithms?: readonly string[];
}

/** The transport the focus sends for a participant's WebRtcTransport. */
export function iceUdpTransportOf(
  params: WebRtcTransportParameters,
  options: TransportOptions = {},
): IceUdpTransport {
  const algorithms = options.algorithms ?? ['sha-256'];
  const setup = options.setup ?? 'actpass';
  const transport: IceUdpTransport = {
    ufrag: params.iceParameters.usernameFragment,
    pwd: params.iceParameters.password,
    candidates: params.iceCandidates.map((c) => candidateOf(c)),
    fingerprints: params.dtlsParameters.fingerprints
      .filter((f) => algorithms.includes(f.algorithm))
      .map((f) => ({ hash: f.algorithm, value: f.value.toUpperCase(), setup })),
    // mediasoup knows all its candidates up front.
    gatheringComplete: true,
  };
  if (params.sctpParameters) transport.sctp = sctpOf(params.sctpParameters);
  return transport;
}

function candidateOf(c: types.IceCandidate): IceCandidate {
  const address =
    (c as { ip?: string; address?: string }).ip ?? (c as { address?: string }).address ?? '';
  const candidate: IceCandidate = {
    component: 1,
    foundation: c.foundation,
    generation: 0,
    ip: address,
    port: c.port,
    priority: c.priority,
    protocol: c.protocol,
    type: 'host',
  };
  if (c.protocol === 'tcp') candidate.tcptype = c.tcpType ?? 'passive';
  return candidate;
}

function sctpOf(p: types.SctpParameters): SctpMap {
  return { port: p.port, protocol: 'webrtc-datachannel', streams: p.MIS };
}

const MEDIASOUP_ALGORITHMS = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'];

/**
 * The participant's DTLS parameters for `webRtcTransport.connect()`: its
 * fingerprints and its role (setup active = DTLS client).
 */
export function dtlsParametersOf(
  transport: IceUdpTransport | undefined,
): Result<types.DtlsParameters, JingleError> {
  const fingerprints = (transport?.fingerprints ?? [])
    .filter((f) => MEDIASOUP_ALGORITHMS.includes(f.hash))
    .map((f) => ({ algorithm: f.hash as types.DtlsFingerprint['algorithm'], value: f.value }));
  if (fingerprints.length === 0) {
    return err(
      badRequest('transport.fingerprint', 'no DTLS fingerprint with a supported hash', {
        reason: 'security-error',
      }),
    );
  }
  const setup = transport?.fingerprints.find((f) => f.setup !== undefined)?.setup;
  const role: types.DtlsRole =
    setup === 'active' ? 'client' : setup === 'passive' ? 'server' : 'auto';
  return ok({ role, fingerprints });
}
