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
