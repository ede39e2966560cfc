// jingle/ runs in the browser: esbuild bundles it for the browser platform
// (which fails on any Node built-in), and in Chromium the bundle's
// JingleSession turns a session-initiate into a remote offer for a real
// RTCPeerConnection and its answer into session-accept.
import { build } from 'esbuild';
import { join } from 'node:path';
import { parseJingle, sdpToJingle, serializeJingle } from '../../jingle';
import { parseXml, readSdpFixture } from '../../jingle/fixtures/fixtures';
import { useChromium } from './stacks/chromium';

jest.setTimeout(30000);

const chromium = useChromium();

// Runs in the page: the bundle's global, a real peer connection, XML text in and out.
const IN_PAGE = `async (initiateXml) => {
  const J = globalThis.ConfabJingle;
  const parsed = J.parseJingle(J.parseXmlText(initiateXml));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const session = new J.JingleSession({ sid: parsed.value.sid, localRole: 'responder', localJid: 'page@example.org/b' });
  const applied = session.apply(parsed.value);
  if (!applied.ok || applied.value.kind !== 'description') throw new Error('no remote offer');
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  await pc.setRemoteDescription({ type: 'offer', sdp: applied.value.sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  const accept = session.accept(pc.localDescription.sdp);
  pc.close();
  if (!accept.ok) throw new Error(accept.error.message);
  return J.serializeJingle(accept.value).toString();
}`;

test('the browser bundle turns a session-initiate into session-accept with a real peer connection', async () => {
  const bundle = await build({
    stdin: {
      // parseXmlText is test glue: XML text → element, via the same @xmpp/xml the library uses.
      contents: `export * from './index';
        import { Parser } from '@xmpp/xml';
        export function parseXmlText(text) {
          const parser = new Parser();
          let found;
          parser.on('element', (el) => { found = found || el; });
          parser.write('<w>' + text + '</w>');
          found.parent = null;
          return found;
        }`,
      resolveDir: join(__dirname, '../../jingle'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'ConfabJingle',
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  expect(code).not.toMatch(/require\("(node:|fs|net|dgram)/);
  await chromium().evaluate('(code) => { (0, eval)(code); }', code);

  const converted = sdpToJingle(readSdpFixture('wrtc-offer'), { role: 'initiator' });
  if (!converted.ok) throw converted.error;
  const initiate = serializeJingle({
    action: 'session-initiate',
    sid: 'in-page',
    ...converted.value,
  });
  const acceptXml = await chromium().evaluate(IN_PAGE, initiate.toString());
  const accept = parseJingle(parseXml(String(acceptXml)));
  if (!accept.ok) throw accept.error;
  expect(accept.value).toMatchObject({
    action: 'session-accept',
    sid: 'in-page',
    responder: 'page@example.org/b',
  });
  expect(accept.value.contents.map((c) => c.name)).toEqual(
    converted.value.contents.map((c) => c.name),
  );
  expect(accept.value.contents[0]?.transport?.fingerprints[0]?.setup).toBe('active');
});
