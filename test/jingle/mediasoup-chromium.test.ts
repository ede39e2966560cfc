// Chromium as a Confab participant against a real mediasoup router, with
// jingle/ as the only translation: its camera goes up in SSRC simulcast (SIM
// munging of its answer), mediasoup receives every layer; a libwebrtc
// participant's tracks reach Chromium by content-add; content-remove leaves a
// rejected m-line that Chromium accepts.
import type { types } from 'mediasoup';
import {
  JingleSession,
  addSimulcastLayers,
  answerContent,
  producerParameters,
  type JinglePayload,
  type RemoteAction,
} from '../../jingle';
import { FocusLeg, startRouter, throughXml } from './focusSimulation';
import { useChromium } from './stacks/chromium';
import { WrtcPeer } from './stacks/wrtc';
import { waitFor } from '../harness/wait';

jest.setTimeout(30000);

const chromium = useChromium();
let worker: types.Worker;
let router: types.Router;

beforeAll(async () => {
  ({ worker, router } = await startRouter());
});

afterAll(() => worker?.close());

function offerOf(action: RemoteAction): { sdp: string; added: string[] } {
  if (action.kind !== 'description' || action.type !== 'offer')
    throw new Error(`expected an offer: ${action.kind}`);
  return action;
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

test('Chromium simulcasts to mediasoup and receives another participant by content-add', async () => {
  const legChromium = await FocusLeg.create(router, 'chromium');
  const legWrtc = await FocusLeg.create(router, 'wrtc');
  const wrtc = new WrtcPeer({ audio: true, video: true });
  const wrtcSession = new JingleSession({
    sid: 'wrtc',
    localRole: 'responder',
    remoteIceLite: true,
  });
  const session = new JingleSession({
    sid: 'chromium',
    localRole: 'responder',
    remoteIceLite: true,
  });
  await chromium().peers.create('participant', { audio: true, video: true });
  try {
    // The libwebrtc participant joins and sends.
    const wrtcOffer = offerOf(unwrap(wrtcSession.apply(throughXml(legWrtc.initiate()))));
    const wrtcAnswer = await wrtc.setLocal('answer', await wrtc.answer(wrtcOffer.sdp));
    await legWrtc.accepted(throughXml(unwrap(wrtcSession.accept(wrtcAnswer))));

    // Chromium joins; its answer is munged to three SIM layers before setLocalDescription.
    const offer = offerOf(unwrap(session.apply(throughXml(legChromium.initiate()))));
    const answer = await chromium().peers.answer('participant', offer.sdp);
    const munged = unwrap(addSimulcastLayers(answer, { layers: 3 }));
    const local = await chromium().peers.setLocal('participant', 'answer', munged);
    const accept: JinglePayload = throughXml(unwrap(session.accept(local)));
    const video = accept.contents.find((c) => c.name === 'video')?.description;
    expect(video?.ssrcGroups.find((g) => g.semantics === 'SIM')?.ssrcs).toHaveLength(3);
    await legChromium.accepted(accept);

    const camera = legChromium.producers.find((p) => p.kind === 'video');
    expect(camera?.rtpParameters.encodings).toHaveLength(3);
    expect(camera?.rtpParameters.encodings?.every((e) => e.rtx?.ssrc !== undefined)).toBe(true);
    // A 640x480 camera gives libwebrtc room for two layers: mediasoup must see RTP on at least two SSRCs.
    await waitFor('mediasoup receiving two simulcast layers', async () => {
      const stats = await camera?.getStats();
      return (stats ?? []).filter((s) => s.byteCount > 1000).length >= 2;
    });

    // The focus adds the libwebrtc participant's tracks to Chromium's session.
    const contents = [];
    for (const producer of legWrtc.producers) contents.push(await legChromium.consume(producer));
    const add = offerOf(
      unwrap(
        session.apply(throughXml({ action: 'content-add', sid: 'chromium', contents, groups: [] })),
      ),
    );
    expect(add.added).toEqual(contents.map((c) => c.name));
    const addAnswer = await chromium().peers.setLocal(
      'participant',
      'answer',
      await chromium().peers.answer('participant', add.sdp),
    );
    const contentAccept = throughXml(unwrap(session.acceptContents(addAnswer, add.added)));
    expect(contentAccept.action).toBe('content-accept');
    await legChromium.resumeConsumers();
    await waitFor('Chromium decoding the other participant', async () => {
      const stats = await chromium().peers.stats('participant');
      return stats.framesDecoded > 10 && stats.inboundAudioBytes > 2000;
    });

    // Chromium shares a second video (participant-initiated content-add); the focus accepts it.
    await chromium().peers.addCamera('participant');
    const share = throughXml(
      unwrap(session.addContents(await chromium().peers.offer('participant'))),
    );
    expect(share.action).toBe('content-add');
    const shared = share.contents[0];
    expect(shared).toMatchObject({ creator: 'responder', senders: 'responder' });
    if (!shared) throw new Error('no shared content');
    const [screen] = unwrap(
      producerParameters(shared, { routerRtpCapabilities: router.rtpCapabilities }),
    );
    if (!screen) throw new Error('the shared content sends nothing');
    const screenProducer = await legChromium.transport.produce({
      kind: screen.kind,
      rtpParameters: screen.rtpParameters,
    });
    const accepted = answerContent(shared, router.rtpCapabilities, {
      transport: legChromium.transportContent(),
    });
    if (!accepted) throw new Error('no codec in common');
    const shareAccept = unwrap(
      session.apply(
        throughXml({ action: 'content-accept', sid: 'chromium', contents: [accepted], groups: [] }),
      ),
    );
    if (shareAccept.kind !== 'description' || shareAccept.type !== 'answer')
      throw new Error('expected an answer');
    expect(await chromium().peers.setRemote('participant', 'answer', shareAccept.sdp)).toBe('');
    await waitFor('mediasoup receiving the shared video', async () =>
      (await screenProducer.getStats()).some((s) => s.byteCount > 5000),
    );

    // The other participant leaves: content-remove, rejected m-lines, Chromium takes the new offer.
    const removal = offerOf(
      unwrap(
        session.apply(
          throughXml({
            action: 'content-remove',
            sid: 'chromium',
            contents: contents.map((c) => ({ name: c.name, creator: c.creator })),
            groups: [],
          }),
        ),
      ),
    );
    const lines = removal.sdp.split('\r\n').filter((l) => l.startsWith('m='));
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => / 0 UDP/.test(l))).toEqual([false, false, true, true, false]);
    await chromium().peers.setLocal(
      'participant',
      'answer',
      await chromium().peers.answer('participant', removal.sdp),
    );
  } finally {
    wrtc.close();
    legChromium.close();
    legWrtc.close();
    await chromium().peers.close('participant');
  }
});
