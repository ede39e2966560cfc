// A whole session between two real stacks where everything goes through
// Jingle XML and JingleSession on both ends: libwebrtc (Node) initiates,
// Chromium responds; candidates trickle as transport-info; the initiator adds
// a video content, restarts ICE, then removes the content again. Media must
// flow at every step.
import { JingleSession, type JinglePayload, type RemoteAction } from '../../jingle';
import { throughXml } from './focusSimulation';
import { useChromium } from './stacks/chromium';
import { WrtcPeer } from './stacks/wrtc';
import { waitFor } from '../harness/wait';

jest.setTimeout(30000);

const chromium = useChromium();

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

function description(action: RemoteAction): {
  type: 'offer' | 'answer';
  sdp: string;
  added: string[];
} {
  if (action.kind !== 'description') throw new Error(`expected a description, got ${action.kind}`);
  return action;
}

test('trickle ICE, content-add, ICE restart and content-remove between libwebrtc and Chromium', async () => {
  const initiator = new WrtcPeer({ audio: true, video: true });
  const local = new JingleSession({
    sid: 'call',
    localRole: 'initiator',
    localJid: 'bot@example.org/a',
  });
  const remote = new JingleSession({
    sid: 'call',
    localRole: 'responder',
    localJid: 'user@example.org/b',
  });
  await chromium().peers.create('responder', { audio: true, video: true });
  let candidatesSent = 0;

  /** Moves gathered candidates both ways as transport-info stanzas. */
  const trickle = async (): Promise<void> => {
    for (const c of initiator.candidates()) {
      const applied = unwrap(remote.apply(throughXml(unwrap(local.transportInfo(c)))));
      if (applied.kind !== 'candidates')
        throw new Error(`expected candidates, got ${applied.kind}`);
      for (const init of applied.candidates) {
        expect(await chromium().peers.addCandidate('responder', init.candidate, init.sdpMid)).toBe(
          '',
        );
        candidatesSent++;
      }
    }
    for (const c of await chromium().peers.candidates('responder')) {
      const applied = unwrap(local.apply(throughXml(unwrap(remote.transportInfo(c)))));
      if (applied.kind !== 'candidates')
        throw new Error(`expected candidates, got ${applied.kind}`);
      for (const init of applied.candidates) await initiator.pc.addIceCandidate(init);
    }
  };
  const flowing = async (minFrames: number, videoStreams = 1): Promise<void> => {
    await waitFor(
      `media both ways (${minFrames} frames, ${videoStreams} video streams)`,
      async () => {
        await trickle();
        const stats = await chromium().peers.stats('responder');
        return (
          stats.framesDecoded > minFrames &&
          stats.inboundVideoStreams >= videoStreams &&
          stats.inboundAudioBytes > 1000 &&
          initiator.decodedFrames > minFrames
        );
      },
    );
  };
  /** The responder's side of a remote offer: answer it and return the answer it set. */
  const respond = async (payload: JinglePayload): Promise<{ sdp: string; added: string[] }> => {
    const offer = description(unwrap(remote.apply(throughXml(payload))));
    expect(offer.type).toBe('offer');
    const answer = await chromium().peers.answer('responder', offer.sdp);
    return {
      sdp: await chromium().peers.setLocal('responder', 'answer', answer, true),
      added: offer.added,
    };
  };

  try {
    // session-initiate without candidates; all of them trickle.
    initiator.addTracks();
    const initiate = unwrap(local.initiate(await initiator.offer(true)));
    expect(initiate.contents.every((c) => c.transport?.candidates.length === 0)).toBe(true);
    const accepted = await respond(initiate);
    const accept = throughXml(unwrap(remote.accept(accepted.sdp)));
    expect(accept.responder).toBe('user@example.org/b');
    const answer = description(unwrap(local.apply(accept)));
    expect(answer.type).toBe('answer');
    await initiator.setRemote('answer', answer.sdp);
    await flowing(5);
    expect(candidatesSent).toBeGreaterThan(0);

    // content-add: a second camera from the initiator.
    initiator.addCamera();
    const add = unwrap(local.addContents(await initiator.offer(true)));
    expect(add.action).toBe('content-add');
    expect(add.contents).toHaveLength(1);
    const added = await respond(add);
    const contentAccept = throughXml(unwrap(remote.acceptContents(added.sdp, added.added)));
    expect(contentAccept.contents.map((c) => c.name)).toEqual(add.contents.map((c) => c.name));
    await initiator.setRemote('answer', description(unwrap(local.apply(contentAccept))).sdp);
    await flowing(10, 2);

    // ICE restart from the initiator: new credentials in transport-info.
    const restartOffer = await initiator.pc.createOffer({ iceRestart: true });
    await initiator.pc.setLocalDescription(restartOffer);
    const restart = unwrap(
      local.restartTransport(initiator.pc.localDescription?.sdp ?? '', 'offer'),
    );
    const ufrag = (p: JinglePayload): string | undefined => p.contents[0]?.transport?.ufrag;
    expect(ufrag(restart)).toBeDefined();
    expect(ufrag(restart)).not.toBe(ufrag(initiate));
    const restarted = await respond(restart);
    const reply = throughXml(unwrap(remote.restartTransport(restarted.sdp, 'answer')));
    expect(ufrag(reply)).not.toBe(ufrag(accept));
    const restartAnswer = description(unwrap(local.apply(reply)));
    expect(restartAnswer.type).toBe('answer');
    await initiator.setRemote('answer', restartAnswer.sdp);
    const framesBefore = initiator.decodedFrames;
    await flowing(framesBefore + 10, 2);

    // content-remove: the extra camera goes; its m-line stays, rejected, in both descriptions.
    const name = add.contents[0]?.name ?? '';
    initiator.pc
      .getTransceivers()
      .find((t) => t.mid === name)
      ?.stop();
    await initiator.pc.setLocalDescription(await initiator.pc.createOffer());
    const removed = await respond(local.removeContents([name]));
    expect(removed.sdp).toMatch(/m=video 0 /);
    await initiator.setRemote('answer', unwrap(local.remoteDescription('answer')));
    expect(remote.contents.map((c) => [c.name, c.rejected])).toEqual(
      local.contents.map((c) => [c.name, c.name === name]),
    );
    await flowing(initiator.decodedFrames + 5, 1);
  } finally {
    initiator.close();
    await chromium().peers.close('responder');
  }
});
