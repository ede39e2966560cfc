// Real tracks through a real mediasoup 3.12 router between libwebrtc peers
// (@roamhq/wrtc), with jingle/ as the only translation: the focus builds
// Jingle from mediasoup parameters, the participants turn it into SDP with
// JingleSession, and their answers become produce()/consume() parameters.
// Every stanza goes through XML text. Asserts that RTP really flows.
import type { types } from 'mediasoup';
import { JingleSession, type JinglePayload, type RemoteAction } from '../../jingle';
import { FocusLeg, startRouter, throughXml } from './focusSimulation';
import { WrtcPeer } from './stacks/wrtc';
import { waitFor } from '../harness/wait';

jest.setTimeout(30000);

let worker: types.Worker;
let router: types.Router;

beforeAll(async () => {
  ({ worker, router } = await startRouter());
});

afterAll(() => worker.close());

function description(action: RemoteAction | undefined): { type: 'offer' | 'answer'; sdp: string } {
  if (action?.kind !== 'description')
    throw new Error(`expected a description, got ${JSON.stringify(action)}`);
  return { type: action.type, sdp: action.sdp };
}

/** The participant's side: apply the focus's stanza, answer, and return what it sends back. */
async function answerOffer(
  peer: WrtcPeer,
  session: JingleSession,
  stanza: JinglePayload,
): Promise<JinglePayload> {
  const applied = session.apply(throughXml(stanza));
  if (!applied.ok) throw applied.error;
  const offer = description(applied.value);
  const answer = await peer.answer(offer.sdp);
  const local = await peer.setLocal('answer', answer);
  const reply =
    stanza.action === 'session-initiate'
      ? session.accept(local)
      : session.acceptContents(
          local,
          applied.value.kind === 'description' ? applied.value.added : [],
        );
  if (!reply.ok) throw reply.error;
  return throughXml(reply.value);
}

test('a wrtc participant sends audio and video that another receives through mediasoup', async () => {
  const legA = await FocusLeg.create(router, 'sid-a');
  const legB = await FocusLeg.create(router, 'sid-b');
  const sender = new WrtcPeer({ audio: true, video: true });
  const receiver = new WrtcPeer();
  const sessionA = new JingleSession({ sid: 'sid-a', localRole: 'responder', remoteIceLite: true });
  const sessionB = new JingleSession({ sid: 'sid-b', localRole: 'responder', remoteIceLite: true });
  try {
    // A joins an empty room and sends its mic and camera.
    await legA.accepted(await answerOffer(sender, sessionA, legA.initiate()));
    expect(legA.producers.map((p) => p.kind).sort()).toEqual(['audio', 'video']);
    await waitFor('A sending RTP to the router', async () => {
      const stats = await Promise.all(legA.producers.map((p) => p.getStats()));
      return stats.every((s) => s.some((x) => x.byteCount > 1000));
    });

    // B joins and accepts; then the focus adds A's tracks with content-add.
    await legB.accepted(await answerOffer(receiver, sessionB, legB.initiate()));
    expect(legB.producers).toHaveLength(0);
    const added = [];
    for (const producer of legA.producers) added.push(await legB.consume(producer));
    const accept = await answerOffer(receiver, sessionB, {
      action: 'content-add',
      sid: 'sid-b',
      contents: added,
      groups: [],
    });
    expect(accept.action).toBe('content-accept');
    expect(accept.contents.map((c) => c.name)).toEqual(added.map((c) => c.name));
    await legB.resumeConsumers();

    await waitFor('B receiving audio and decoding video', async () => {
      const stats = await receiver.stats();
      return stats.inboundAudioBytes > 2000 && receiver.decodedFrames > 10;
    });
    const consumerStats = await Promise.all(legB.consumers.map((c) => c.getStats()));
    for (const stats of consumerStats) {
      expect(stats.find((s) => s.type === 'outbound-rtp')?.byteCount ?? 0).toBeGreaterThan(1000);
    }

    // A leaves: content-remove makes B's m-lines rejected, and B's peer connection takes it.
    const removal = sessionB.apply(
      throughXml({
        action: 'content-remove',
        sid: 'sid-b',
        contents: added.map((c) => ({ name: c.name, creator: c.creator })),
        groups: [],
      }),
    );
    if (!removal.ok) throw removal.error;
    const offer = description(removal.value);
    expect(offer.sdp).toMatch(/m=audio 0 /);
    expect(offer.sdp).toMatch(/m=video 0 /);
    const answer = await receiver.answer(offer.sdp);
    await receiver.setLocal('answer', answer);
    expect(sessionB.contents.filter((c) => c.rejected).map((c) => c.name)).toEqual(
      added.map((c) => c.name),
    );
  } finally {
    sender.close();
    receiver.close();
    legA.close();
    legB.close();
  }
});

test('a participant joining later gets the existing tracks in session-initiate', async () => {
  const legA = await FocusLeg.create(router, 'sid-c');
  const legC = await FocusLeg.create(router, 'sid-d');
  const sender = new WrtcPeer({ audio: true, video: true });
  const late = new WrtcPeer();
  const sessionA = new JingleSession({ sid: 'sid-c', localRole: 'responder', remoteIceLite: true });
  const sessionC = new JingleSession({ sid: 'sid-d', localRole: 'responder', remoteIceLite: true });
  try {
    await legA.accepted(await answerOffer(sender, sessionA, legA.initiate()));
    // Before C's capabilities are known the focus consumes with the router's own.
    const existing = [];
    for (const producer of legA.producers)
      existing.push(await legC.consume(producer, router.rtpCapabilities));
    const accept = await answerOffer(late, sessionC, legC.initiate(existing));
    expect(accept.contents.map((c) => c.name)).toEqual([
      'audio',
      'video',
      ...existing.map((c) => c.name),
    ]);
    await legC.accepted(accept);
    await legC.resumeConsumers();
    await waitFor('C receiving audio and decoding video', async () => {
      const stats = await late.stats();
      return stats.inboundAudioBytes > 2000 && late.decodedFrames > 10;
    });
  } finally {
    sender.close();
    late.close();
    legA.close();
    legC.close();
  }
});
