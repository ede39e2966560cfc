import fc from 'fast-check';
import { decodeChannelData, encodeChannelData, isChannelData } from './channelData';
import {
  decodeErrorCode,
  decodeUnknownAttributes,
  decodeXorAddress,
  encodeErrorCode,
  encodeUnknownAttributes,
  encodeXorAddress,
} from './attributes';
import { Attr, Method, StunClass } from './constants';
import {
  decodeStun,
  encodeStun,
  getAttribute,
  longTermKey,
  messageType,
  verifyIntegrity,
  type StunMessage,
} from './message';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

// RFC 5769 (STUN test vectors), short-term password "VOkJxbRl1RmTxUk/WvJxBt".
const PASSWORD = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');
const RFC5769_REQUEST = hex(`
  00010058 2112a442 b7e7a701 bc34d686 fa87dfae
  80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff
  80290008 932ff9b1 51263b36
  00060009 6576746a 3a683676 59202020
  00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  80280004 e57a3bcf`);
const RFC5769_IPV4_RESPONSE = hex(`
  0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200008 0001a147 e112a643
  00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  80280004 c07d4c96`);
const RFC5769_IPV6_RESPONSE = hex(`
  01010048 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  80280004 c8fb0b4c`);

function attr(message: StunMessage, type: number): Buffer {
  const value = getAttribute(message, type);
  if (!value) throw new Error(`attribute 0x${type.toString(16)} missing`);
  return value;
}

function decoded(buf: Buffer): StunMessage {
  const result = decodeStun(buf);
  if (!result.ok) throw new Error(result.reason);
  return result.message;
}

describe('STUN codec', () => {
  it('decodes the RFC 5769 sample request and verifies its integrity and fingerprint', () => {
    const message = decoded(RFC5769_REQUEST);
    expect(message.method).toBe(Method.BINDING);
    expect(message.klass).toBe(StunClass.REQUEST);
    expect(message.hasFingerprint).toBe(true);
    expect(getAttribute(message, Attr.USERNAME)?.toString()).toBe('evtj:h6vY');
    expect(getAttribute(message, Attr.SOFTWARE)?.toString()).toBe('STUN test client');
    expect(verifyIntegrity(message, PASSWORD)).toBe(true);
    expect(verifyIntegrity(message, Buffer.from('wrong'))).toBe(false);
  });

  it.each([
    ['IPv4', RFC5769_IPV4_RESPONSE, '192.0.2.1'],
    ['IPv6', RFC5769_IPV6_RESPONSE, '2001:db8:1234:5678:11:2233:4455:6677'],
  ])('decodes the RFC 5769 %s response and its XOR-MAPPED-ADDRESS', (_name, buf, address) => {
    const message = decoded(buf);
    expect(message.klass).toBe(StunClass.SUCCESS);
    expect(verifyIntegrity(message, PASSWORD)).toBe(true);
    const mapped = decodeXorAddress(attr(message, Attr.XOR_MAPPED_ADDRESS), message.transactionId);
    expect(mapped).toEqual({ family: address.includes(':') ? 2 : 1, address, port: 32853 });
  });

  it('round-trips messages with integrity and fingerprint', () => {
    const key = longTermKey('1700000000:confab', 'example.org', 'pw');
    const transactionId = Buffer.from('0102030405060708090a0b0c', 'hex');
    const buf = encodeStun(
      {
        method: Method.ALLOCATE,
        klass: StunClass.ERROR,
        transactionId,
        attributes: [
          encodeErrorCode(420),
          encodeUnknownAttributes([0x0017, 0x7777]),
          encodeXorAddress(Attr.XOR_PEER_ADDRESS, 'fd00::2', 5000, transactionId),
        ],
      },
      { integrityKey: key, fingerprint: true },
    );
    const message = decoded(buf);
    expect(message.method).toBe(Method.ALLOCATE);
    expect(message.klass).toBe(StunClass.ERROR);
    expect(decodeErrorCode(attr(message, Attr.ERROR_CODE))).toEqual({
      code: 420,
      reason: 'Unknown Attribute',
    });
    expect(decodeUnknownAttributes(attr(message, Attr.UNKNOWN_ATTRIBUTES))).toEqual([
      0x0017, 0x7777,
    ]);
    expect(decodeXorAddress(attr(message, Attr.XOR_PEER_ADDRESS), transactionId)).toEqual({
      family: 2,
      address: 'fd00::2',
      port: 5000,
    });
    expect(verifyIntegrity(message, key)).toBe(true);
  });

  it('interleaves method and class bits as RFC 5389 §6 shows', () => {
    expect(messageType(Method.BINDING, StunClass.REQUEST)).toBe(0x0001);
    expect(messageType(Method.BINDING, StunClass.SUCCESS)).toBe(0x0101);
    expect(messageType(Method.ALLOCATE, StunClass.ERROR)).toBe(0x0113);
    expect(messageType(Method.SEND, StunClass.INDICATION)).toBe(0x0016);
    expect(messageType(Method.DATA, StunClass.INDICATION)).toBe(0x0017);
  });

  it('refuses broken messages with a reason instead of throwing', () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(3), /shorter/],
      [Buffer.concat([Buffer.from([0xc0]), RFC5769_REQUEST.subarray(1)]), /top two bits/],
      [Buffer.concat([RFC5769_REQUEST.subarray(0, 4), Buffer.alloc(16)]), /cookie/],
      [RFC5769_REQUEST.subarray(0, 100), /length/],
      [
        Buffer.concat([RFC5769_REQUEST.subarray(0, 104), Buffer.from([0, 0, 0, 0])]),
        /FINGERPRINT mismatch/,
      ],
    ];
    for (const [buf, reason] of cases) {
      const result = decodeStun(buf);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });

  it('never throws on arbitrary bytes, even with a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withHeader) => {
        const buf = Buffer.from(bytes);
        if (withHeader && buf.length >= 20) {
          buf.writeUInt16BE(buf.readUInt16BE(0) & 0x3fff, 0);
          buf.writeUInt16BE(buf.length - 20, 2);
          buf.writeUInt32BE(0x2112a442, 4);
        }
        decodeStun(buf);
        decodeChannelData(buf);
      }),
    );
  });

  it('encodes and decodes ChannelData with optional padding', () => {
    const data = Buffer.from('hello');
    const buf = encodeChannelData(0x4001, data);
    expect(buf.length).toBe(12);
    expect(isChannelData(buf)).toBe(true);
    expect(decodeChannelData(buf)).toEqual({ channel: 0x4001, data });
    expect(decodeChannelData(buf.subarray(0, 9))).toEqual({ channel: 0x4001, data });
    expect(decodeChannelData(buf.subarray(0, 8))).toBeUndefined();
    expect(decodeChannelData(Buffer.from([0x7f, 0xff, 0, 0]))).toBeUndefined();
  });
});
