// Requests carrying the attributes of RFC 5389/5766/6156 are served or get
// the right STUN error, never silence (node-turn alone throws on several of
// them and answers nothing).
import { randomBytes } from 'node:crypto';
import {
  encodeEvenPort,
  encodeRequestedFamily,
  encodeRequestedTransport,
  encodeText,
  encodeUint32,
} from '../../turn/stun/attributes';
import { decodeChannelData, encodeChannelData } from '../../turn/stun/channelData';
import { Attr, Family, Method, StunClass } from '../../turn/stun/constants';
import { decodeStun, encodeStun, fingerprintOf } from '../../turn/stun/message';
import { TurnServer } from '../../turn/TurnServer';
import { openPeer, StunClient, waitUntil } from './stunClient';
import { testTurnConfig } from './turnHarness';

const RESERVATION_TOKEN = (token: Buffer) => ({ type: Attr.RESERVATION_TOKEN, value: token });
const DONT_FRAGMENT = { type: Attr.DONT_FRAGMENT, value: Buffer.alloc(0) };

describe('TurnServer answers every standard attribute', () => {
  let server: TurnServer;
  const clients: StunClient[] = [];
  const open = async (user = 'attr') => {
    const client = await StunClient.open(server.address, server.issueCredentials(user, 600));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = new TurnServer(testTurnConfig({ maxLifetime: 1200, userQuota: 50 }));
    await server.start();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('serves a plain Allocate with integrity, lifetime and addresses', async () => {
    const client = await open();
    const response = await client.allocate();
    expect(response.error).toBeUndefined();
    expect(response.integrity).toBe(true);
    expect(response.lifetime).toBe(600);
    const relayed = response.xorAddress(Attr.XOR_RELAYED_ADDRESS);
    expect(relayed?.address).toBe('127.0.0.1');
    expect(relayed?.port).toBeGreaterThanOrEqual(42000);
    expect(relayed?.port).toBeLessThanOrEqual(42999);
    expect(response.xorAddress(Attr.XOR_MAPPED_ADDRESS)?.port).toBe(client.port);
    expect(response.attr(Attr.SOFTWARE)?.toString()).toBe('Confab TURN');
  });

  it('serves EVEN-PORT: an even relayed port', async () => {
    const response = await (await open()).allocate([encodeEvenPort(false)]);
    expect(response.error).toBeUndefined();
    expect((response.xorAddress(Attr.XOR_RELAYED_ADDRESS)?.port ?? 1) % 2).toBe(0);
    expect(response.attr(Attr.RESERVATION_TOKEN)).toBeUndefined();
  });

  it('serves EVEN-PORT with R: reserves the next port for a RESERVATION-TOKEN', async () => {
    const first = await (await open()).allocate([encodeEvenPort(true)]);
    expect(first.error).toBeUndefined();
    const port = first.xorAddress(Attr.XOR_RELAYED_ADDRESS)?.port ?? 1;
    expect(port % 2).toBe(0);
    const token = first.attr(Attr.RESERVATION_TOKEN);
    expect(token?.length).toBe(8);
    if (!token) return;
    const second = await (await open()).allocate([RESERVATION_TOKEN(token)]);
    expect(second.error).toBeUndefined();
    expect(second.xorAddress(Attr.XOR_RELAYED_ADDRESS)?.port).toBe(port + 1);
    // A token works once.
    expect((await (await open()).allocate([RESERVATION_TOKEN(token)])).error?.code).toBe(508);
  });

  it('answers RESERVATION-TOKEN errors: unknown 508, with EVEN-PORT 400, wrong size 400', async () => {
    expect((await (await open()).allocate([RESERVATION_TOKEN(randomBytes(8))])).error?.code).toBe(
      508,
    );
    expect(
      (await (await open()).allocate([encodeEvenPort(false), RESERVATION_TOKEN(randomBytes(8))]))
        .error?.code,
    ).toBe(400);
    expect((await (await open()).allocate([RESERVATION_TOKEN(randomBytes(4))])).error?.code).toBe(
      400,
    );
  });

  it('serves REQUESTED-ADDRESS-FAMILY IPv4 and answers 440 for IPv6 or an unknown family', async () => {
    const v4 = await (await open()).allocate([encodeRequestedFamily(Family.IPV4)]);
    expect(v4.error).toBeUndefined();
    expect(v4.xorAddress(Attr.XOR_RELAYED_ADDRESS)?.family).toBe(Family.IPV4);
    expect((await (await open()).allocate([encodeRequestedFamily(Family.IPV6)])).error?.code).toBe(
      440,
    );
    expect((await (await open()).allocate([encodeRequestedFamily(0x07)])).error?.code).toBe(440);
    expect(
      (
        await (
          await open()
        ).allocate([encodeRequestedFamily(Family.IPV4), RESERVATION_TOKEN(randomBytes(8))])
      ).error?.code,
    ).toBe(400);
  });

  it('answers REQUESTED-ADDRESS-FAMILY in Refresh: same family served, other 443', async () => {
    const client = await open();
    expect((await client.allocate()).error).toBeUndefined();
    const same = await client.request(Method.REFRESH, [encodeRequestedFamily(Family.IPV4)]);
    expect(same.error).toBeUndefined();
    const other = await client.request(Method.REFRESH, [encodeRequestedFamily(Family.IPV6)]);
    expect(other.error?.code).toBe(443);
  });

  it('answers DONT-FRAGMENT with 420 listing it (Node cannot set the DF bit)', async () => {
    const response = await (await open()).allocate([DONT_FRAGMENT]);
    expect(response.error?.code).toBe(420);
    expect(response.unknownAttributes).toEqual([Attr.DONT_FRAGMENT]);
    expect(response.integrity).toBe(true);
  });

  it('serves requests carrying SOFTWARE and FINGERPRINT, and fingerprints its answer', async () => {
    const client = await open();
    const response = await client.allocate([encodeText(Attr.SOFTWARE, 'Test client 1.0')], {
      fingerprint: true,
    });
    expect(response.error).toBeUndefined();
    expect(response.message.hasFingerprint).toBe(true);
    expect(response.integrity).toBe(true);
    const binding = await client.request(Method.BINDING, [encodeText(Attr.SOFTWARE, 'x')], {
      sign: false,
      fingerprint: true,
    });
    expect(binding.error).toBeUndefined();
    expect(binding.message.hasFingerprint).toBe(true);
  });

  it('drops a request whose FINGERPRINT is wrong (not STUN), and keeps serving', async () => {
    const client = await open();
    const transactionId = randomBytes(12);
    const good = encodeStun(
      { method: Method.BINDING, klass: StunClass.REQUEST, transactionId, attributes: [] },
      { fingerprint: true },
    );
    const bad = Buffer.from(good);
    bad.writeUInt32BE((fingerprintOf(good.subarray(0, 20)) + 1) >>> 0, 24);
    client.sendRaw(bad);
    expect(await client.next(() => true, 300)).toBeUndefined();
    client.sendRaw(good);
    const reply = await client.next(() => true);
    expect(reply && decodeStun(reply.data).ok).toBe(true);
  });

  it('answers unknown comprehension-required attributes with 420 and UNKNOWN-ATTRIBUTES', async () => {
    const unknownA = { type: 0x7777, value: Buffer.from([1, 2, 3]) };
    const unknownB = { type: 0x0030, value: Buffer.alloc(4) };
    const allocate = await (await open()).allocate([unknownA, unknownB, unknownA]);
    expect(allocate.error?.code).toBe(420);
    expect(allocate.unknownAttributes).toEqual([0x7777, 0x0030]);
    expect(allocate.integrity).toBe(true);
    const binding = await (await open()).request(Method.BINDING, [unknownA], { sign: false });
    expect(binding.error?.code).toBe(420);
    expect(binding.unknownAttributes).toEqual([0x7777]);
  });

  it('ignores unknown comprehension-optional attributes', async () => {
    const response = await (await open()).allocate([{ type: 0xc057, value: Buffer.alloc(4) }]);
    expect(response.error).toBeUndefined();
  });

  it('answers REQUESTED-TRANSPORT errors: missing 400, TCP 442', async () => {
    const client = await open();
    expect((await client.request(Method.ALLOCATE, [])).error?.code).toBe(400);
    expect((await client.request(Method.ALLOCATE, [encodeRequestedTransport(6)])).error?.code).toBe(
      442,
    );
  });

  it('caps LIFETIME at turn.max-lifetime and serves Refresh', async () => {
    const client = await open();
    const response = await client.allocate([encodeUint32(Attr.LIFETIME, 100000)]);
    expect(response.lifetime).toBe(1200);
    const refresh = await client.request(Method.REFRESH, [encodeUint32(Attr.LIFETIME, 300)]);
    expect(refresh.error).toBeUndefined();
    expect(refresh.lifetime).toBe(600);
    expect(refresh.integrity).toBe(true);
  });

  it('answers a retransmitted Allocate alike, and 437 to a new one on the same 5-tuple', async () => {
    const client = await open();
    const transactionId = randomBytes(12);
    const first = await client.allocate([], { transactionId });
    const again = await client.allocate([], { transactionId });
    expect(again.error).toBeUndefined();
    expect(again.xorAddress(Attr.XOR_RELAYED_ADDRESS)).toEqual(
      first.xorAddress(Attr.XOR_RELAYED_ADDRESS),
    );
    expect((await client.allocate()).error?.code).toBe(437);
  });

  it('answers 437 to requests without an allocation and 400 to unknown methods', async () => {
    const client = await open();
    expect((await client.request(Method.REFRESH, [])).error?.code).toBe(437);
    expect((await client.allocate()).error).toBeUndefined();
    expect((await client.request(0x00a, [])).error?.code).toBe(400);
  });

  it('never goes silent on any of these in a row', async () => {
    const metrics = server.metrics();
    expect(metrics.internalErrors).toBe(0);
    // The server still answers a fresh client.
    expect((await (await open()).allocate()).error).toBeUndefined();
  });
});

describe('TurnServer with an IPv6 relay (RFC 6156)', () => {
  it('serves REQUESTED-ADDRESS-FAMILY IPv6, relays to an IPv6 peer, refuses IPv4 peers', async () => {
    const server = new TurnServer(
      testTurnConfig({ listenAddress: '::1', allowedPeerRanges: ['::1'] }),
    );
    await server.start();
    const client = await StunClient.open(server.address, server.issueCredentials('six', 600));
    const peer = await openPeer('::1');
    try {
      expect((await client.allocate([encodeRequestedFamily(Family.IPV4)])).error?.code).toBe(440);
      const response = await client.allocate([encodeRequestedFamily(Family.IPV6)]);
      expect(response.error).toBeUndefined();
      const relayed = response.xorAddress(Attr.XOR_RELAYED_ADDRESS);
      expect(relayed).toMatchObject({ family: Family.IPV6, address: '::1' });
      expect(response.xorAddress(Attr.XOR_MAPPED_ADDRESS)).toEqual({
        family: Family.IPV6,
        address: '::1',
        port: client.port,
      });
      expect((await client.createPermission({ address: '127.0.0.1', port: 9 })).error?.code).toBe(
        443,
      );
      expect((await client.createPermission({ address: 'fe80::1', port: 9 })).error?.code).toBe(
        403,
      );
      expect((await client.channelBind(0x4002, peer.address)).error).toBeUndefined();
      client.sendRaw(encodeChannelData(0x4002, Buffer.from('over six')));
      await waitUntil('IPv6 relay', () => peer.received.length === 1);
      if (!relayed) return;
      peer.socket.send('and back', relayed.port, relayed.address);
      const back = await client.next((d) => decodeChannelData(d.data) !== undefined);
      expect(back && decodeChannelData(back.data)?.data.toString()).toBe('and back');
    } finally {
      client.close();
      peer.close();
      await server.close();
    }
  });
});
