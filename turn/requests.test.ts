import { DEFAULT_DENIED_PEER_RANGES, PeerPolicy } from './peerPolicy';
import {
  grantedLifetime,
  parseAllocate,
  parseChannelBind,
  parsePeers,
  parseRefresh,
  unknownAttributes,
} from './requests';
import {
  encodeChannelNumber,
  encodeEvenPort,
  encodeRequestedFamily,
  encodeRequestedTransport,
  encodeUint32,
  encodeXorAddress,
} from './stun/attributes';
import { Attr, Method, StunClass } from './stun/constants';
import { decodeStun, encodeStun, type StunAttribute, type StunMessage } from './stun/message';

const TX = Buffer.from('000102030405060708090a0b', 'hex');
const policy = new PeerPolicy({ denied: DEFAULT_DENIED_PEER_RANGES, allowed: [] });

function message(method: number, attributes: StunAttribute[]): StunMessage {
  const decoded = decodeStun(
    encodeStun({ method, klass: StunClass.REQUEST, transactionId: TX, attributes }),
  );
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.message;
}
const udp = encodeRequestedTransport(17);
const token = { type: Attr.RESERVATION_TOKEN, value: Buffer.from('ABCDEFGH') };
const peer = (address: string) => encodeXorAddress(Attr.XOR_PEER_ADDRESS, address, 9, TX);

describe('request checks', () => {
  it('lists unknown comprehension-required attributes per method, once each', () => {
    const odd = { type: 0x7001, value: Buffer.alloc(0) };
    const df = { type: Attr.DONT_FRAGMENT, value: Buffer.alloc(0) };
    expect(unknownAttributes(message(Method.ALLOCATE, [udp, odd, df, odd]))).toEqual([
      0x7001,
      Attr.DONT_FRAGMENT,
    ]);
    expect(unknownAttributes(message(Method.ALLOCATE, [udp, encodeEvenPort(true), token]))).toEqual(
      [],
    );
    // LIFETIME means nothing in a CreatePermission; optional types never count.
    expect(
      unknownAttributes(
        message(Method.CREATE_PERMISSION, [
          encodeUint32(Attr.LIFETIME, 1),
          { type: 0x8123, value: Buffer.alloc(0) },
        ]),
      ),
    ).toEqual([Attr.LIFETIME]);
  });

  it.each<[string, StunAttribute[], number]>([
    ['no REQUESTED-TRANSPORT', [], 400],
    ['TCP', [encodeRequestedTransport(6)], 442],
    ['EVEN-PORT with RESERVATION-TOKEN', [udp, encodeEvenPort(false), token], 400],
    [
      'a short RESERVATION-TOKEN',
      [udp, { type: Attr.RESERVATION_TOKEN, value: Buffer.alloc(7) }],
      400,
    ],
    ['a long EVEN-PORT', [udp, { type: Attr.EVEN_PORT, value: Buffer.alloc(4) }], 400],
    ['IPv6 on an IPv4 relay', [udp, encodeRequestedFamily(2)], 440],
    ['an unknown family', [udp, encodeRequestedFamily(9)], 440],
    ['a family with a token', [udp, encodeRequestedFamily(1), token], 400],
    ['a 3-byte LIFETIME', [udp, { type: Attr.LIFETIME, value: Buffer.alloc(3) }], 400],
  ])('refuses an Allocate with %s', (_name, attributes, code) => {
    expect(parseAllocate(message(Method.ALLOCATE, attributes), 4)).toEqual({ code });
  });

  it('reads a served Allocate', () => {
    expect(
      parseAllocate(
        message(Method.ALLOCATE, [
          udp,
          encodeEvenPort(true),
          encodeRequestedFamily(1),
          encodeUint32(Attr.LIFETIME, 900),
        ]),
        4,
      ),
    ).toEqual({ lifetime: 900, evenPort: { reserveNext: true }, reservationToken: undefined });
    expect(parseAllocate(message(Method.ALLOCATE, [udp, token]), 4)).toEqual({
      lifetime: undefined,
      evenPort: undefined,
      reservationToken: 'ABCDEFGH',
    });
    expect(
      parseAllocate(message(Method.ALLOCATE, [udp, encodeRequestedFamily(2)]), 6),
    ).not.toHaveProperty('code');
  });

  it('checks Refresh', () => {
    expect(parseRefresh(message(Method.REFRESH, []), 4)).toEqual({ lifetime: undefined });
    expect(parseRefresh(message(Method.REFRESH, [encodeUint32(Attr.LIFETIME, 0)]), 4)).toEqual({
      lifetime: 0,
    });
    expect(parseRefresh(message(Method.REFRESH, [encodeRequestedFamily(2)]), 4)).toEqual({
      code: 443,
    });
  });

  it('checks peers: 400 without or malformed, 443 family mismatch, 403 denied', () => {
    const check = (attributes: StunAttribute[]) =>
      parsePeers(message(Method.CREATE_PERMISSION, attributes), 4, policy);
    expect(check([])).toEqual({ code: 400 });
    expect(check([{ type: Attr.XOR_PEER_ADDRESS, value: Buffer.from([0, 1, 0]) }])).toEqual({
      code: 400,
    });
    expect(check([peer('2001:db8::1')])).toEqual({ code: 443 });
    expect(check([peer('8.8.8.8'), peer('10.0.0.1')])).toEqual({ code: 403 });
    expect(check([peer('8.8.8.8'), peer('1.1.1.1')])).toEqual({
      peers: [
        { family: 1, address: '8.8.8.8', port: 9 },
        { family: 1, address: '1.1.1.1', port: 9 },
      ],
    });
  });

  it('checks ChannelBind numbers', () => {
    const bind = (channel: number, ...peers: string[]) =>
      parseChannelBind(
        message(Method.CHANNEL_BIND, [encodeChannelNumber(channel), ...peers.map(peer)]),
        4,
        policy,
      );
    expect(bind(0x3fff, '8.8.8.8')).toEqual({ code: 400 });
    expect(bind(0x7fff, '8.8.8.8')).toEqual({ code: 400 });
    expect(bind(0x4000)).toEqual({ code: 400 });
    expect(bind(0x4000, '8.8.8.8', '1.1.1.1')).toEqual({ code: 400 });
    expect(bind(0x4000, '127.0.0.1')).toEqual({ code: 403 });
    expect(bind(0x7ffe, '8.8.8.8')).toEqual({
      channel: 0x7ffe,
      peer: { family: 1, address: '8.8.8.8', port: 9 },
    });
  });

  it('grants lifetimes between the default and the maximum', () => {
    expect(grantedLifetime(undefined, 600, 3600)).toBe(600);
    expect(grantedLifetime(30, 600, 3600)).toBe(600);
    expect(grantedLifetime(1200, 600, 3600)).toBe(1200);
    expect(grantedLifetime(99999, 600, 3600)).toBe(3600);
  });
});
