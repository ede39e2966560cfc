import { createRequire } from 'node:module';
import { Address, Message, NodeTurnServer, Transport, UDP_PROTOCOL } from './nodeTurn';
import {
  encodeEvenPort,
  encodeRequestedFamily,
  encodeRequestedTransport,
  encodeText,
  encodeXorAddress,
} from './stun/attributes';
import { Attr, Method, StunClass } from './stun/constants';
import { encodeStun, longTermKey, type StunAttribute } from './stun/message';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';

// turn/ relies on node-turn internals (lib/message, lib/attribute, …): a new
// version must be reviewed before it is let in.
it('node-turn is the reviewed version', () => {
  const require = createRequire(__filename);
  expect((require('node-turn/package.json') as { version: string }).version).toBe('0.0.6');
});

describe('node-turn attribute parser extension', () => {
  const server = new NodeTurnServer({ listeningIps: ['127.0.0.1'], debugLevel: 'OFF', realm: 'r' });
  const transport = new Transport(
    UDP_PROTOCOL,
    new Address('127.0.0.1', 5000),
    new Address('127.0.0.1', 3478),
    {} as Socket,
  );
  const read = (attributes: StunAttribute[], key?: Buffer) => {
    const transactionId = randomBytes(12);
    const datagram = encodeStun(
      { method: Method.ALLOCATE, klass: StunClass.REQUEST, transactionId, attributes },
      { integrityKey: key, fingerprint: true },
    );
    const msg = new Message(server, transport);
    expect(msg.read(datagram)).toBe(true);
    return msg;
  };

  it.each<[string, StunAttribute]>([
    ['EVEN-PORT', encodeEvenPort(true)],
    ['RESERVATION-TOKEN', { type: Attr.RESERVATION_TOKEN, value: randomBytes(8) }],
    ['REQUESTED-ADDRESS-FAMILY', encodeRequestedFamily(2)],
    ['an unknown comprehension-required type', { type: 0x7777, value: Buffer.from([1]) }],
    [
      'a malformed XOR-PEER-ADDRESS',
      { type: Attr.XOR_PEER_ADDRESS, value: Buffer.from([0, 9, 0, 0]) },
    ],
    ['a 2-byte LIFETIME', { type: Attr.LIFETIME, value: Buffer.alloc(2) }],
  ])('keeps %s opaque instead of throwing', (_name, attribute) => {
    const msg = read([encodeRequestedTransport(17), attribute]);
    expect(msg.getAttribute('requested-transport')).toBe(17);
    expect(msg.getAttribute('fingerprint')).not.toBe(false);
  });

  it('still parses what node-turn handles, and checks MESSAGE-INTEGRITY over opaque bytes', () => {
    server.authentification.credentials['1:u'] = 'pw';
    const attributes = [
      encodeRequestedTransport(17),
      encodeEvenPort(false),
      encodeText(Attr.USERNAME, '1:u'),
      encodeXorAddress(Attr.XOR_PEER_ADDRESS, '192.0.2.9', 7000, Buffer.alloc(12)),
    ];
    const good = read(attributes, longTermKey('1:u', 'r', 'pw'));
    expect(good.getAttribute('message-integrity')).toEqual(expect.any(String));
    expect(good.getAttribute('username')).toBe('1:u');
    const bad = read(attributes, longTermKey('1:u', 'r', 'other'));
    expect(bad.getAttribute('message-integrity')).toBe(false);
  });
});
