/**
 * Confab's Jingle library: Jingle XML ↔ model ↔ SDP ↔ mediasoup parameters.
 * Pure (no I/O, timers, logger or DOM); runs in Node and in the browser
 * bundle. Bad input gives a `JingleError` inside a `Result`, never an
 * exception. Element by element reference: docs/protocol.md, "Jingle library:
 * accepted and emitted elements".
 *
 * XML (ltx elements from @xmpp/xml):
 * - `parseJingle(el)` — `<jingle/>` (or the `<iq/>` carrying it) → JinglePayload.
 * - `serializeJingle(payload)` / `serializeContent(content)` → Element.
 * - `validateJingle(payload)` — a payload built in code, checked by the parser's rules.
 *
 * SDP (any party running an RTCPeerConnection):
 * - `sdpToJingle(sdp, { role, creator?, mids? })` — one content per m-line (name = mid).
 * - `jingleToSdp(contents | sections, groups, { role, type, iceLite?, … })`.
 * - `JingleSession` — one session's contents in stable m-line order: `apply(payload)`
 *   says what the peer connection must do (set a remote offer/answer, add candidates);
 *   `accept`, `acceptContents`, `addContents`, `initiate`, `transportInfo`,
 *   `restartTransport`, `removeContents`, `terminate` build payloads from local SDP.
 * - `addSimulcastLayers(sdp, { layers })` — SIM-group simulcast munging of a local description.
 * - `candidateLine(c)` / `parseCandidateLine(line)` — trickle candidate strings.
 *
 * mediasoup (the focus; types only from mediasoup 3.12):
 * - `iceUdpTransportOf(webRtcTransport)` — its ICE/DTLS parameters as an ICE-UDP transport.
 * - `offerContent(routerCaps, { name, kind })` — a participant's own audio/video content.
 * - `consumerContent({ kind, rtpParameters, streamId, trackId })` — one consumer, receive-only.
 * - `answerContent(offered, routerCaps)` — content-accept for a participant's content-add.
 * - `producerParameters(content, { routerRtpCapabilities })` — produce() parameters per track.
 * - `rtpCapabilitiesOf(contents)` — the participant's RtpCapabilities for consume().
 * - `dtlsParametersOf(transport)` — DtlsParameters for webRtcTransport.connect().
 */
export * from './model';
export { NS } from './namespaces';
export { ok, err, type Result } from './result';
export {
  JingleError,
  badRequest,
  notImplemented,
  type StanzaErrorCondition,
  type JingleErrorCondition,
  type RefusalReason,
  type JingleErrorOptions,
} from './JingleError';
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
  answerContent,
  type OfferContentOptions,
  type ConsumerContentOptions,
  type AnswerContentOptions,
} from './mediasoupContents';
export {
  iceUdpTransportOf,
  dtlsParametersOf,
  type WebRtcTransportParameters,
  type TransportOptions,
} from './mediasoupTransport';
export {
  jmiMessage,
  parseJmi,
  NS_JMI,
  JMI_ACTIONS,
  type JmiAction,
  type JmiMessage,
} from './messageInitiation';
