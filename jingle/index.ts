/**
 * Confab's Jingle library (preliminary index; the full API doc follows).
 */
export * from './model';
export * from './namespaces';
export * from './result';
export * from './JingleError';
export { LIMITS } from './limits';
export { parseJingle } from './parseJingle';
export { serializeJingle, serializeContent } from './serializeJingle';
export { validateJingle } from './validate';
export { sdpToJingle, type SdpToJingleOptions, type JingleContents } from './sdpToJingle';
export {
  jingleToSdp,
  type JingleToSdpOptions,
  type MediaSection,
  type SdpType,
} from './jingleToSdp';
export { sendersFromDirection, directionFromSenders, type Direction } from './sdpDirection';
export { candidateLine, parseCandidateLine } from './sdpCandidates';
export { addSimulcastLayers, type SimulcastOptions } from './simulcastMunging';
export {
  JingleSession,
  type JingleSessionOptions,
  type RemoteAction,
  type SessionContent,
  type TrickleCandidate,
} from './JingleSession';
export {
  producerParameters,
  rtpCapabilitiesOf,
  type ProducerSpec,
  type ProducerOptions,
} from './mediasoupProducer';
export {
  offerContent,
  consumerContent,
  type OfferContentOptions,
  type ConsumerContentOptions,
} from './mediasoupContents';
export {
  iceUdpTransportOf,
  dtlsParametersOf,
  type WebRtcTransportParameters,
  type TransportOptions,
} from './mediasoupTransport';
