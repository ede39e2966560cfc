// The same scripted TURN conversations against Debian's coturn and against
// Confab's TURN server give the same answers: this checks the credential
// scheme (coturn's use-auth-secret is the reference for TURN REST), the test
// client's codec, and Confab's error codes against an independent server.
import { findFreePort } from '../../common/net';
import { startCoturn, type Coturn } from '../../bench/coturn';
import { issueCredentials } from '../../turn/credentials';
import { encodeChannelData, decodeChannelData } from '../../turn/stun/channelData';
import { encodeRequestedTransport } from '../../turn/stun/attributes';
import { Attr, Method } from '../../turn/stun/constants';
import { TurnServer } from '../../turn/TurnServer';
import { openPeer, StunClient, waitUntil } from './stunClient';
import { TEST_SECRET, testTurnConfig } from './turnHarness';

type Target = { name: string; address: () => { address: string; port: number } | undefined };

describe('Confab TURN answers like coturn', () => {
  let coturn: Coturn;
  let confab: TurnServer;
  const clients: StunClient[] = [];

  beforeAll(async () => {
    coturn = await startCoturn({
      port: await findFreePort('127.0.0.1', true),
      secret: TEST_SECRET,
      realm: 'confab.test',
      minPort: 45000,
      maxPort: 45999,
    });
    confab = new TurnServer(testTurnConfig());
    await confab.start();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await confab?.close();
    await coturn?.stop();
  });

  const targets: Target[] = [
    { name: 'coturn', address: () => coturn.address },
    { name: 'confab', address: () => confab.address },
  ];
  const open = async (target: Target, credentials?: { username: string; password: string }) => {
    const client = await StunClient.open(target.address(), credentials);
    clients.push(client);
    return client;
  };

  it.each(targets)(
    '$name: accepts a Prosody-style credential and relays both ways',
    async (target) => {
      const client = await open(target, issueCredentials(TEST_SECRET, 'confab', 600));
      const peer = await openPeer();
      try {
        const allocated = await client.allocate();
        expect(allocated.error).toBeUndefined();
        expect(allocated.integrity).toBe(true);
        const relayed = allocated.xorAddress(Attr.XOR_RELAYED_ADDRESS);
        if (!relayed) throw new Error('no relayed address');
        expect((await client.createPermission(peer.address)).error).toBeUndefined();
        client.sendIndication(peer.address, Buffer.from('indication'));
        await waitUntil('Send indication', () => peer.received.length === 1);
        const bound = await client.channelBind(0x4001, peer.address);
        expect(bound.error).toBeUndefined();
        expect(bound.integrity).toBe(true);
        client.sendRaw(encodeChannelData(0x4001, Buffer.from('channel')));
        await waitUntil('ChannelData', () => peer.received.length === 2);
        expect(peer.received.map(String)).toEqual(['indication', 'channel']);
        peer.socket.send('back', relayed.port, relayed.address);
        const back = await client.next((d) => decodeChannelData(d.data) !== undefined);
        expect(back && decodeChannelData(back.data)?.data.toString()).toBe('back');
      } finally {
        peer.close();
      }
    },
  );

  it.each(targets)('$name: 401 for expired, forged and non-REST credentials', async (target) => {
    const now = Math.floor(Date.now() / 1000);
    for (const credentials of [
      issueCredentials(TEST_SECRET, 'late', 60, now - 600),
      issueCredentials('another-secret-entirely', 'mallory', 600),
      { username: 'alice', password: 'secret' },
    ]) {
      const response = await (await open(target, credentials)).allocate();
      expect([credentials.username, response.error?.code]).toEqual([credentials.username, 401]);
    }
  });

  it.each(targets)(
    '$name: 420 listing unknown comprehension-required attributes',
    async (target) => {
      const client = await open(target, issueCredentials(TEST_SECRET, 'confab', 600));
      const response = await client.allocate([{ type: 0x7777, value: Buffer.from([1, 2, 3, 4]) }]);
      expect(response.error?.code).toBe(420);
      expect(response.unknownAttributes).toEqual([0x7777]);
    },
  );

  it.each(targets)('$name: 442 for TCP, 400 without REQUESTED-TRANSPORT', async (target) => {
    const client = await open(target, issueCredentials(TEST_SECRET, 'confab', 600));
    expect((await client.request(Method.ALLOCATE, [encodeRequestedTransport(6)])).error?.code).toBe(
      442,
    );
    expect((await client.request(Method.ALLOCATE, [])).error?.code).toBe(400);
  });

  it.each(targets)('$name: 437 for a second Allocate on the same 5-tuple', async (target) => {
    const client = await open(target, issueCredentials(TEST_SECRET, 'confab', 600));
    expect((await client.allocate()).error).toBeUndefined();
    expect((await client.allocate()).error?.code).toBe(437);
  });
});
