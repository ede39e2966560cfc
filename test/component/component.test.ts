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
