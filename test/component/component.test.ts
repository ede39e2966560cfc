// The component against a real Prosody: XEP-0114 handshake, disco, ping and
// the error replies every IQ must get.
import xml from '@xmpp/xml';
import type { Client } from '@xmpp/client';
import { startTestXmpp, type TestXmpp } from '../harness/xmpp';
import { stanzaErrorOf } from '../harness/errors';

let world: TestXmpp;
let alice: Client;

beforeAll(async () => {
  world = await startTestXmpp();
  await world.component({ start: true });
  alice = await world.client('alice');
});

afterAll(() => world?.stop());

test('disco#info returns the focus identity and features', async () => {
  const reply = await alice.iqCaller.get(
    xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
    world.focusDomain,
  );
  const identity = reply.getChild('identity');
  expect(identity?.attrs).toMatchObject({
    category: 'conference',
    type: 'text',
    name: 'Confab focus',
  });
  const features = reply.getChildren('feature').map((f) => f.attrs.var);
  expect(features).toEqual(
    expect.arrayContaining(['http://jabber.org/protocol/disco#info', 'urn:xmpp:ping']),
  );
});

test('ping gets an empty result', async () => {
  const reply = await alice.iqCaller.request(
    xml(
      'iq',
      { type: 'get', to: world.focusDomain, id: 'p1' },
      xml('ping', { xmlns: 'urn:xmpp:ping' }),
    ),
  );
  expect(reply.attrs.type).toBe('result');
  expect(reply.getChildElements()).toHaveLength(0);
});

test('an unknown IQ gets service-unavailable', async () => {
  const error = await stanzaErrorOf(
    alice.iqCaller.get(xml('query', { xmlns: 'urn:example:nothing' }), world.focusDomain),
  );
  expect(error.condition).toBe('service-unavailable');
  expect(error.type).toBe('cancel');
});

test('a malformed IQ (two payloads) gets bad-request', async () => {
  const iq = xml(
    'iq',
    { type: 'get', to: world.focusDomain, id: 'm1' },
    xml('ping', { xmlns: 'urn:xmpp:ping' }),
    xml('ping', { xmlns: 'urn:xmpp:ping' }),
  );
  const error = await stanzaErrorOf(alice.iqCaller.request(iq));
  expect(error.condition).toBe('bad-request');
});

test('a wrong component secret fails with a message naming the key', async () => {
  const impostor = await world.component({ secret: 'wrong' });
  await expect(impostor.start()).rejects.toThrow(
    /rejected the component secret.*prosody\.component-secret/,
  );
});

test('a closed component refuses to send, and closing twice is harmless', async () => {
  const comp = await world.component({ start: true });
  await comp.close();
  await comp.close();
  await expect(comp.send(xml('message', { to: 'alice@localhost' }))).rejects.toThrow(
    'component closed',
  );
  await expect(comp.start()).rejects.toThrow('component closed');
});

test('an error reply carries the error only, not the request payload', async () => {
  await world.component({ start: true }); // the tests above closed the first one
  const reply = new Promise<string>((resolve) => {
    const onInput = (data: string): void => {
      if (!data.includes("id='echo1'") && !data.includes('id="echo1"')) return;
      alice.off('input', onInput);
      resolve(data);
    };
    alice.on('input', onInput);
  });
  await alice.write(
    `<iq type='get' to='${world.focusDomain}' id='echo1'><query xmlns='urn:example:nothing'><secret>payload</secret></query></iq>`,
  );
  const text = await reply;
  expect(text).toContain('service-unavailable');
  expect(text).not.toContain('payload');
});

test('a 20,000-level nested payload gets bad-request, and the connection stays up', async () => {
  const depth = 20000;
  const reply = new Promise<string>((resolve) => {
    const onInput = (data: string): void => {
      if (!data.includes('deep1')) return;
      alice.off('input', onInput);
      resolve(data);
    };
    alice.on('input', onInput);
  });
  // Written as text: serialising such a tree recursively would overflow our own stack.
  await alice.write(
    `<iq type='set' to='${world.focusDomain}' id='deep1'><jingle xmlns='urn:xmpp:jingle:1'>` +
      '<a>'.repeat(depth) +
      '</a>'.repeat(depth) +
      '</jingle></iq>',
  );
  const text = await reply;
  expect(text).toContain('bad-request');
  expect(text).toContain('nested deeper than 32 levels');
  // Both the client's stream and the component link still work.
  const pong = await alice.iqCaller.request(
    xml('iq', { type: 'get', to: world.focusDomain }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
  );
  expect(pong.attrs.type).toBe('result');
});
