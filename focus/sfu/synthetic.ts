/**
 * What the SFU's own tracks (the audio mix and the video switches) need from
 * their room: the router they live on, the participants' producers, and a
 * way to make their output consumable by every endpoint of the room.
 */
import type { types as ms } from 'mediasoup';

export interface SyntheticHost {
  /** The router the synthetic tracks and their DirectTransports live on. */
  readonly router: ms.Router;
  /** The participants' producers of the room (never a synthetic one). */
  producers(): Iterable<ms.Producer>;
  producer(id: string): ms.Producer | undefined;
  /** Makes a producer of the room consumable on `router` (piping it there). */
  ensureOn(producerId: string, router: ms.Router): Promise<boolean>;
  /** Registers a synthetic producer, so endpoint.consume(producer.id) accepts it. */
  addSynthetic(producer: ms.Producer, router: ms.Router): void;
}

/** appData of the producers the SFU makes itself. */
export const SYNTHETIC = 'synthetic';

/** The router's capability for a codec, by MIME type. */
export function routerCodec(
  router: ms.Router,
  mimeType: string,
): ms.RtpCodecCapability | undefined {
  return router.rtpCapabilities.codecs?.find(
    (c) => c.mimeType.toLowerCase() === mimeType.toLowerCase(),
  );
}
