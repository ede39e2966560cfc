/**
 * Receiver-side quality: a participant caps the simulcast layer it receives
 * for some video contents, e.g. the lowest layer for small tiles and the
 * highest for the active speaker.
 *
 *   <iq type='set' to='focus.example.org'>
 *     <constraints xmlns='urn:confab:receive:0' sid='…'>
 *       <content name='p1a2b3c4-video' max-spatial-layer='0'/>
 *     </constraints>
 *   </iq>
 *
 * max-spatial-layer counts from 0 (lowest); a value above the sender's top
 * layer means "the best available". max-temporal-layer is optional.
 */
import type { Element } from '@xmpp/xml';
import { DONE, type IqResult } from '../component/IqRouter';
import { StanzaError } from '../component/StanzaError';
import type { Participant, ReceivedTrack } from './Participant';

export const NS_RECEIVE = 'urn:confab:receive:0';
const MAX_CONTENTS = 256;

function layer(value: string | undefined, name: string): number | undefined | StanzaError {
  if (value === undefined) return undefined;
  if (!/^\d{1,2}$/.test(value))
    return new StanzaError('bad-request', `${name} must be a small non-negative integer`);
  return Number(value);
}

export async function applyReceiveConstraints(p: Participant, payload: Element): Promise<IqResult> {
  const items = payload.getChildren('content');
  if (items.length > MAX_CONTENTS)
    return new StanzaError('bad-request', `at most ${MAX_CONTENTS} contents`);
  const changes: [ReceivedTrack, number, number | undefined][] = [];
  for (const item of items) {
    const name = item.attrs.name;
    if (!name) return new StanzaError('bad-request', 'content without name');
    const track = p.received.get(name);
    if (!track) return new StanzaError('item-not-found', `no content ${name} in this session`);
    if (track.consumer.kind !== 'video')
      return new StanzaError('bad-request', `content ${name} is not video`);
    const spatial = layer(item.attrs['max-spatial-layer'], 'max-spatial-layer');
    const temporal = layer(item.attrs['max-temporal-layer'], 'max-temporal-layer');
    if (spatial instanceof StanzaError) return spatial;
    if (temporal instanceof StanzaError) return temporal;
    if (spatial === undefined)
      return new StanzaError('bad-request', `content ${name} lacks max-spatial-layer`);
    changes.push([track, spatial, temporal]);
  }
  for (const [track, spatial, temporal] of changes) {
    await track.consumer.setPreferredLayers(spatial, temporal);
    p.log.debug('receive constraint', { content: track.contentName, spatial, temporal });
  }
  return DONE;
}
