// Bad requests each get their TURN error, and the server keeps relaying for
// the allocations that were already there.
import { randomBytes } from 'node:crypto';
import { issueCredentials } from '../../turn/credentials';
import { encodeChannelData } from '../../turn/stun/channelData';
import { Attr, Method } from '../../turn/stun/constants';
import { encodeStun } from '../../turn/stun/message';
import { TurnServer } from '../../turn/TurnServer';
import { openPeer, StunClient, waitUntil } from './stunClient';
import { TEST_SECRET, testTurnConfig } from './turnHarness';

/** An allocation that relays to a peer, to show the server still serves others. */
async function healthyRelay(server: TurnServer) {
  const client = await StunClient.open(server.address, server.issueCredentials('healthy', 600));
  const peer = await openPeer();
  const allocated = await client.allocate();
  expect(allocated.error).toBeUndefined();
  expect((await client.createPermission(peer.address)).error).toBeUndefined();
  let n = 0;
  return {
    async stillRelays(): Promise<void> {
      const payload = Buffer.from(`ping ${n++}`);
      client.sendIndication(peer.address, payload);
      await waitUntil('the healthy allocation to relay', () =>
        peer.received.some((d) => d.equals(payload)),
      );
    },
    close(): void {
      client.close();
      peer.close();
    },
  };
}

describe('TurnServer refuses bad requests and keeps serving', () => {
  let server: TurnServer;
  let healthy: Awaited<ReturnType<typeof healthyRelay>>;
  const clients: StunClient[] = [];
  const open = async (credentials?: { username: string; password: string }) => {
    const client = await StunClient.open(server.address, credentials);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = new TurnServer(testTurnConfig({ userQuota: 3 }));
    await server.start();
    healthy = await healthyRelay(server);
  });

  afterEach(async () => {
    await healthy.stillRelays();
  });

  afterAll(async () => {
    healthy.close();
    for (const c of clients) c.close();
    await server.close();
  });

  it('answers 401 to expired credentials', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = issueCredentials(TEST_SECRET, 'late', 60, now - 120);
    const failures = server.metrics().authFailures;
    const response = await (await open(expired)).allocate();
    expect(response.error?.code).toBe(401);
    expect(response.attr(Attr.REALM)?.toString()).toBe('confab.test');
    expect(response.attr(Attr.NONCE)).toBeDefined();
    expect(server.metrics().authFailures).toBe(failures + 1);
  });

  it('answers 401 to a password forged with another secret, or tampered', async () => {
    const forged = issueCredentials('not-the-shared-secret', 'mallory', 600);
    expect((await (await open(forged)).allocate()).error?.code).toBe(401);
    const genuine = server.issueCredentials('mallory', 600);
    const tampered = {
      username: genuine.username.replace(':mallory', ':admin'),
      password: genuine.password,
    };
    expect((await (await open(tampered)).allocate()).error?.code).toBe(401);
    const notRest = { username: 'alice', password: genuine.password };
    expect((await (await open(notRest)).allocate()).error?.code).toBe(401);
  });

  it('accepts credentials signed with an older secret still in the rotation list', async () => {
    const rotated = new TurnServer(
      testTurnConfig({ secrets: ['the-new-secret-0123456789', TEST_SECRET] }),
    );
    await rotated.start();
    try {
      const old = issueCredentials(TEST_SECRET, 'carol', 600);
      const client = await StunClient.open(rotated.address, old);
      clients.push(client);
      const response = await client.allocate();
      expect(response.error).toBeUndefined();
      expect(response.integrity).toBe(true);
      expect(rotated.issueCredentials('x').password).toBe(
        issueCredentials('the-new-secret-0123456789', 'x', 3600).password,
      );
    } finally {
      await rotated.close();
    }
  });

  it('answers 403 to permissions and channels towards denied addresses', async () => {
    const client = await open(server.issueCredentials('eve', 600));
    expect((await client.allocate()).error).toBeUndefined();
    for (const address of [
      '10.1.2.3',
      '192.168.1.1',
      '172.16.5.4',
      '100.64.0.1',
      '169.254.1.1',
      '224.0.0.1',
      '0.0.0.0',
    ]) {
      const response = await client.createPermission({ address, port: 9 });
      expect([address, response.error?.code]).toEqual([address, 403]);
      expect(response.integrity).toBe(true);
    }
    expect((await client.channelBind(0x4000, { address: '10.0.0.1', port: 9 })).error?.code).toBe(
      403,
    );
    // An IPv6 peer on an IPv4 relay is a family mismatch (RFC 6156).
    expect(
      (await client.createPermission({ address: '::ffff:127.0.0.1', port: 9 })).error?.code,
    ).toBe(443);
    expect(server.metrics().deniedPeers).toBeGreaterThanOrEqual(8);
  });

  it('answers 403 to loopback peers when loopback is not allow-listed', async () => {
    const strict = new TurnServer(testTurnConfig({ allowedPeerRanges: [] }));
    await strict.start();
    try {
      const client = await StunClient.open(strict.address, strict.issueCredentials('eve', 600));
      clients.push(client);
      expect((await client.allocate()).error).toBeUndefined();
      const peer = { address: '127.0.0.1', port: 9 };
      expect((await client.createPermission(peer)).error?.code).toBe(403);
      expect((await client.channelBind(0x4001, peer)).error?.code).toBe(403);
    } finally {
      await strict.close();
    }
  });

  it('answers 486 past the per-user quota, and serves other users', async () => {
    const credentials = server.issueCredentials('greedy', 600);
    const own: StunClient[] = [];
    for (let i = 0; i < 3; i++) {
      own.push(await open(credentials));
      expect((await own[i]?.allocate())?.error).toBeUndefined();
    }
    const refused = await (await open(credentials)).allocate();
    expect(refused.error?.code).toBe(486);
    expect(refused.integrity).toBe(true);
    expect(
      (await (await open(server.issueCredentials('modest', 600))).allocate()).error,
    ).toBeUndefined();
    // Releasing one allocation (Refresh with LIFETIME 0) frees a slot.
    const release = await own[0]?.request(Method.REFRESH, [
      { type: Attr.LIFETIME, value: Buffer.alloc(4) },
    ]);
    expect(release?.error).toBeUndefined();
    expect(release?.lifetime).toBe(0);
    expect((await (await open(credentials)).allocate()).error).toBeUndefined();
    expect(server.metrics().quotaRejections).toBe(1);
  });

  it('answers 508 past the total quota', async () => {
    const small = new TurnServer(testTurnConfig({ totalQuota: 1 }));
    await small.start();
    try {
      const first = await StunClient.open(small.address, small.issueCredentials('a', 600));
      const second = await StunClient.open(small.address, small.issueCredentials('b', 600));
      clients.push(first, second);
      expect((await first.allocate()).error).toBeUndefined();
      expect((await second.allocate()).error?.code).toBe(508);
    } finally {
      await small.close();
    }
  });

  it('ignores garbage datagrams without crashing, and still answers Binding', async () => {
    const client = await open();
    const before = server.metrics().malformedDatagrams;
    const transactionId = randomBytes(12);
    const binding = encodeStun({ method: Method.BINDING, klass: 0, transactionId, attributes: [] });
    const garbage: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([0x00]),
      Buffer.from([0x40, 0x00]),
      randomBytes(19),
      randomBytes(1200),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      binding.subarray(0, 19), // truncated header
      Buffer.concat([binding.subarray(0, 2), Buffer.from([0xff, 0xfc]), binding.subarray(4)]), // length overrun
      Buffer.concat([binding, Buffer.from([0x00, 0x06, 0x00, 0x40])]), // attribute overruns the message
      Buffer.concat([
        binding.subarray(0, 3),
        Buffer.from([4]),
        binding.subarray(4),
        Buffer.from([0x80, 0x28, 0, 4]),
      ]), // fingerprint without value
      encodeChannelData(0x4000, Buffer.from('no allocation here')),
      Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]), // ChannelData with a lying length
    ];
    for (let i = 0; i < 20; i++) garbage.push(randomBytes(1 + ((i * 37) % 300)));
    for (const datagram of garbage) client.sendRaw(datagram);
    const response = await client.request(Method.BINDING, []);
    expect(response.error).toBeUndefined();
    expect(response.xorAddress(Attr.XOR_MAPPED_ADDRESS)).toEqual({
      family: 1,
      address: '127.0.0.1',
      port: client.port,
    });
    expect(server.metrics().malformedDatagrams).toBeGreaterThan(before + 5);
    expect(server.metrics().internalErrors).toBe(0);
  });

  it('counts everything in a Prometheus exposition', () => {
    const text = server.prometheus();
    expect(text).toMatch(/^confab_turn_allocations_active \d+$/m);
    expect(text).toMatch(/^confab_turn_auth_failures_total [1-9]\d*$/m);
    expect(text).toMatch(/^# TYPE confab_turn_relayed_bytes_total counter$/m);
  });
});
