/**
 * The focus's use of the Jingle library's mediasoup mapping: which contents
 * and transports it offers, and what it reads from participants' answers.
 * The translations themselves live in jingle/; this file only chooses.
 */
import {
  answerContent as libAnswerContent,
  consumerContent,
  dtlsParametersOf,
  iceUdpTransportOf,
  notImplemented,
  offerContent,
  ok,
  err,
  producerParameters as libProducerParameters,
  rtpCapabilitiesOf,
  type IceUdpTransport,
  type JingleContent,
  type JingleError,
  type Result,
} from '../jingle';
import type { ms, SfuConsumer, SfuEndpoint } from './sfu/Sfu';

/** The focus's transport for a participant: ICE-lite credentials, all candidates, DTLS actpass. */
export function focusTransport(endpoint: SfuEndpoint): IceUdpTransport {
  const transport = iceUdpTransportOf({
    iceParameters: endpoint.iceParameters,
    iceCandidates: endpoint.iceCandidates,
    dtlsParameters: endpoint.dtlsParameters,
  });
  // mediasoup knows every candidate up front.
  return { ...transport, gatheringComplete: true };
}

/** The participant's own microphone and camera contents. */
export function ownContents(caps: ms.RtpCapabilities, transport: IceUdpTransport): JingleContent[] {
  return [
    offerContent(caps, { name: 'audio', kind: 'audio', transport }),
    offerContent(caps, { name: 'video', kind: 'video', transport }),
  ];
}

/** A receive-only content for one consumer, named by its mid; the stream id groups a sender's tracks. */
export function receiveContent(
  consumer: SfuConsumer,
  streamId: string,
  owner: string,
): JingleContent {
  return consumerContent({
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
    streamId,
    trackId: consumer.producerId,
    owner,
  });
}

export function peerDtls(
  contents: readonly JingleContent[],
): Result<ms.DtlsParameters, JingleError> {
  return dtlsParametersOf(contents.find((c) => c.transport?.fingerprints.length)?.transport);
}

export function peerCapabilities(contents: readonly JingleContent[]): ms.RtpCapabilities {
  return rtpCapabilitiesOf(contents);
}

/** The one track a participant content sends, or null if it sends nothing. */
export function producerParameters(
  content: JingleContent,
  caps: ms.RtpCapabilities,
): Result<{ kind: ms.MediaKind; rtpParameters: ms.RtpParameters } | null, JingleError> {
  const specs = libProducerParameters(content, { routerRtpCapabilities: caps });
  if (!specs.ok) return specs;
  if (specs.value.length > 1) {
    return err(
      notImplemented(
        `content[${content.name}]`,
        'one track per content (use one content per track)',
      ),
    );
  }
  const spec = specs.value[0];
  return ok(spec ? { kind: spec.kind, rtpParameters: spec.rtpParameters } : null);
}

/** The focus's answer to a content the participant adds (screen share), or a refusal. */
export function answerContent(
  offer: JingleContent,
  caps: ms.RtpCapabilities,
  transport: IceUdpTransport,
): Result<JingleContent, JingleError> {
  const answer = libAnswerContent(offer, caps, { transport });
  if (answer) return ok(answer);
  const media = offer.description?.media ?? 'RTP';
  return err(
    notImplemented(
      `content[${offer.name}].description`,
      `no ${media} codec in common with the router`,
    ),
  );
}
