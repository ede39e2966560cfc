/**
 * Receiver-side quality: a participant caps the simulcast layer it receives
 * for some video contents, e.g. the lowest layer for small tiles and the
 * highest for the active speaker (docs/protocol.md §8; the stanza is read by
 * client/focusProtocol). max-spatial-layer counts from 0 (lowest); a value
 * above the sender's top layer means "the best available".
 */
import { DONE, type IqResult } from '../component/IqRouter';
import { StanzaError } from '../component/StanzaError';
import type { LayerConstraint } from '../client/focusProtocol';
import type { Participant, ReceivedTrack } from './Participant';

export async function applyReceiveConstraints(
  p: Participant,
  constraints: readonly LayerConstraint[],
): Promise<IqResult> {
  const changes: [ReceivedTrack, LayerConstraint][] = [];
  for (const c of constraints) {
    const track = p.received.get(c.content);
    if (!track) return new StanzaError('item-not-found', `no content ${c.content} in this session`);
    if (track.consumer.kind !== 'video')
      return new StanzaError('bad-request', `content ${c.content} is not video`);
    changes.push([track, c]);
  }
  for (const [track, c] of changes) {
    await track.consumer.setPreferredLayers(c.maxSpatialLayer, c.maxTemporalLayer);
    p.log.debug('receive constraint', {
      content: track.contentName,
      spatial: c.maxSpatialLayer,
      temporal: c.maxTemporalLayer,
    });
  }
  return DONE;
}
