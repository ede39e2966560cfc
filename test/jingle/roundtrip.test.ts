// SDP → Jingle (XML text) → SDP keeps everything WebRTC needs, checked with
// the real stacks: Debian's headless Chromium and libwebrtc in Node accept the
// regenerated offers (the captured vectors, Firefox's included) and answer
// them; and live answers regenerated from Jingle complete real calls.
import { jingleToSdp, sdpToJingle, addSimulcastLayers, type Role } from '../../jingle';
import { SDP_FIXTURES, readSdpFixture } from '../../jingle/fixtures/fixtures';
import { throughXml } from './focusSimulation';
import { useChromium } from './stacks/chromium';
import { WrtcPeer } from './stacks/wrtc';
import { waitFor } from '../harness/wait';

jest.setTimeout(30000);

const chromium = useChromium();

/** The SDP a peer gets after the description went through Jingle XML. */
function throughJingle(sdp: string, role: Role, type: 'offer' | 'answer'): string {
  const converted = sdpToJingle(sdp, { role });
  if (!converted.ok) throw converted.error;
  const payload = throughXml({
    action: type === 'offer' ? 'session-initiate' : 'session-accept',
    sid: 'roundtrip',
    contents: converted.value.contents,
    groups: converted.value.groups,
  });
  const back = jingleToSdp(payload.contents, payload.groups, { role, type });
  if (!back.ok) throw back.error;
  return back.value;
}

function mLines(sdp: string): string[] {
  return sdp.split('\r\n').filter((l) => l.startsWith('m='));
}

const offers = SDP_FIXTURES.filter((f) => f.type === 'offer').map((f) => f.name);

test.each(offers)(
  'the regenerated %s is accepted and answered by Chromium and by libwebrtc',
  async (name) => {
    const regenerated = throughJingle(readSdpFixture(name), 'initiator', 'offer');
    expect(mLines(regenerated).length).toBe(mLines(readSdpFixture(name)).length);

    const id = `offer-${name}`;
    await chromium().peers.create(id, {});
    try {
      const chromiumAnswer = await chromium().peers.answer(id, regenerated);
      expect(mLines(chromiumAnswer)).toHaveLength(mLines(regenerated).length);
    } finally {
      await chromium().peers.close(id);
    }

    const wrtc = new WrtcPeer();
    try {
      const wrtcAnswer = await wrtc.answer(regenerated);
      expect(mLines(wrtcAnswer)).toHaveLength(mLines(regenerated).length);
    } finally {
      wrtc.close();
    }
  },
);

test('a libwebrtc answer regenerated from Jingle completes a call with Chromium', async () => {
  await chromium().peers.create('c-offerer', { audio: true, video: true, dataChannel: true });
  const wrtc = new WrtcPeer({ audio: true, video: true });
  try {
    const offer = await chromium().peers.offer('c-offerer');
    const answer = await wrtc.setLocal(
      'answer',
      await wrtc.answer(throughJingle(offer, 'initiator', 'offer')),
    );
    expect(
      await chromium().peers.setRemote(
        'c-offerer',
        'answer',
        throughJingle(answer, 'responder', 'answer'),
      ),
    ).toBe('');
    await waitFor('media both ways', async () => {
      const stats = await chromium().peers.stats('c-offerer');
      return stats.framesDecoded > 5 && stats.inboundAudioBytes > 1000 && wrtc.decodedFrames > 5;
    });
  } finally {
    await chromium().peers.close('c-offerer');
    wrtc.close();
  }
});

test('a Chromium answer with SIM simulcast regenerated from Jingle completes a call with libwebrtc', async () => {
  const wrtc = new WrtcPeer({ audio: true, video: true, dataChannel: true });
  wrtc.addTracks();
  await chromium().peers.create('c-answerer', { audio: true, video: true });
  try {
    const offer = await wrtc.offer();
    const answer = await chromium().peers.answer(
      'c-answerer',
      throughJingle(offer, 'initiator', 'offer'),
    );
    const munged = addSimulcastLayers(answer, { layers: 2 });
    if (!munged.ok) throw munged.error;
    const local = await chromium().peers.setLocal('c-answerer', 'answer', munged.value);
    const regenerated = throughJingle(local, 'responder', 'answer');
    expect(regenerated).toMatch(/a=ssrc-group:SIM \d+ \d+/);
    await wrtc.setRemote('answer', regenerated);
    await waitFor('media both ways, two simulcast layers from Chromium', async () => {
      const stats = await chromium().peers.stats('c-answerer');
      return stats.framesDecoded > 5 && stats.outboundVideoStreams >= 2 && wrtc.decodedFrames > 5;
    });
  } finally {
    await chromium().peers.close('c-answerer');
    wrtc.close();
  }
});
