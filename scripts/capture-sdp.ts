/**
 * Captures the SDP test vectors in jingle/fixtures/ from real WebRTC stacks
 * (Debian's headless Chromium, @roamhq/wrtc, Debian's firefox-esr) and
 * writes their Jingle forms with this library. Run it with scripts/capture-sdp
 * (which bundles this file with esbuild); `--jingle-only` rewrites only the
 * Jingle forms from the SDP files already there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addSimulcastLayers, sdpToJingle, serializeJingle, type JinglePayload } from '../jingle';
import { SDP_FIXTURES, prettyXml, readSdpFixture } from '../jingle/fixtures/fixtures';
import { launchChromium, type BrowserHost } from '../test/jingle/stacks/chromium';
import { launchFirefox } from '../test/jingle/stacks/firefox';
import { WrtcPeer } from '../test/jingle/stacks/wrtc';

const SIMULCAST_RIDS = ['q', 'h', 'f'];
// The wrapper script runs from the repository root; this file is bundled elsewhere.
const FIXTURE_DIR = join(process.cwd(), 'jingle', 'fixtures');

function save(name: string, sdp: string): void {
  if (!sdp.startsWith('v=0')) throw new Error(`${name}: not an SDP`);
  writeFileSync(join(FIXTURE_DIR, `${name}.sdp`), sdp);
  console.log(`captured ${name}.sdp (${sdp.split('\r\n').length} lines)`);
}

async function captureBrowser(
  label: string,
  host: BrowserHost,
  wrtcOffer: string,
): Promise<{ offer: string; answer: string }> {
  const { peers } = host;
  await peers.create('offerer', {
    audio: true,
    video: true,
    simulcastRids: SIMULCAST_RIDS,
    dataChannel: true,
  });
  const offer = await peers.offer('offerer');
  await peers.create('answerer', { audio: true, video: true });
  const answer = await peers.answer('answerer', wrtcOffer);
  const local = await peers.setLocal('answerer', 'answer', answer);
  console.log(`${label}: ${host.version}`);
  return { offer, answer: local };
}

async function capture(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  // libwebrtc in Node offers audio, video and a data channel.
  const wrtcOfferer = new WrtcPeer({ audio: true, video: true, dataChannel: true });
  wrtcOfferer.addTracks();
  const wrtcOffer = await wrtcOfferer.offer();
  save('wrtc-offer', wrtcOffer);
  versions.wrtc = `@roamhq/wrtc ${JSON.parse(readFileSync(require.resolve('@roamhq/wrtc/package.json'), 'utf8')).version as string}`;

  const chromium = await launchChromium();
  try {
    const { offer, answer } = await captureBrowser('chromium', chromium, wrtcOffer);
    save('chromium-offer', offer);
    save('chromium-answer', answer);
    versions.chromium = `Chromium ${chromium.version}`;
    // Simulcast by SSRC munging: Chromium's own local description after accepting the munged answer.
    await chromium.peers.create('simulcast', { audio: true, video: true });
    const plain = await chromium.peers.answer('simulcast', wrtcOffer);
    const munged = addSimulcastLayers(plain, { layers: 3 });
    if (!munged.ok) throw munged.error;
    save(
      'chromium-answer-simulcast',
      await chromium.peers.setLocal('simulcast', 'answer', munged.value),
    );

    // libwebrtc answers Chromium's offer.
    const wrtcAnswerer = new WrtcPeer({ audio: true, video: true });
    try {
      const answerSdp = await wrtcAnswerer.answer(offer);
      save('wrtc-answer', await wrtcAnswerer.setLocal('answer', answerSdp));
    } finally {
      wrtcAnswerer.close();
    }
  } finally {
    await chromium.close();
    wrtcOfferer.close();
  }

  if (existsSync('/usr/bin/firefox-esr')) {
    const firefox = await launchFirefox();
    try {
      const { offer, answer } = await captureBrowser('firefox', firefox, wrtcOffer);
      save('firefox-offer', offer);
      save('firefox-answer', answer);
      versions.firefox = `${execFileSync('/usr/bin/firefox-esr', ['--version']).toString().trim()} (${firefox.version})`;
    } finally {
      await firefox.close();
    }
  } else {
    console.log('firefox-esr not installed: kept the Firefox vectors already there');
  }
  return versions;
}

function writeJingleForms(): void {
  for (const fixture of SDP_FIXTURES) {
    const converted = sdpToJingle(readSdpFixture(fixture.name, FIXTURE_DIR), {
      role: fixture.role,
    });
    if (!converted.ok) throw converted.error;
    const payload: JinglePayload = {
      action: fixture.action,
      sid: 'fixture',
      contents: converted.value.contents,
      groups: converted.value.groups,
    };
    if (fixture.role === 'initiator') payload.initiator = 'initiator@example.org/fixture';
    else payload.responder = 'responder@example.org/fixture';
    writeFileSync(
      join(FIXTURE_DIR, `${fixture.name}.xml`),
      `${prettyXml(serializeJingle(payload))}\n`,
    );
    console.log(`wrote ${fixture.name}.xml`);
  }
}

async function main(): Promise<void> {
  if (!process.argv.includes('--jingle-only')) {
    const versions = await capture();
    const file = join(FIXTURE_DIR, 'versions.json');
    const previous = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)
      : {};
    writeFileSync(
      file,
      `${JSON.stringify({ ...previous, ...versions, captured: new Date().toISOString().slice(0, 10) }, null, 2)}\n`,
    );
  }
  writeJingleForms();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
