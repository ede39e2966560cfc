// Relaying in both directions with a raw client, allocation lifetimes that
// really free their port, the bandwidth cap, and a graceful close.
import { createSocket } from 'node:dgram';
import { InvalidStateError } from '../../common/errors';
import { configureLogging } from '../../common/logger';
import { decodeChannelData, encodeChannelData } from '../../turn/stun/channelData';
import { Attr, Method, StunClass } from '../../turn/stun/constants';
import { decodeStun, getAttribute } from '../../turn/stun/message';
import { decodeXorAddress } from '../../turn/stun/attributes';
import type { Deallocated } from '../../turn/Allocations';
import { TurnServer } from '../../turn/TurnServer';
import { openPeer, StunClient, waitUntil } from './stunClient';
import { testTurnConfig } from './turnHarness';

async function portIsFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => {
      socket.close();
      resolve(true);
    });
  });
}

async function allocated(server: TurnServer, user: string) {
  const client = await StunClient.open(server.address, server.issueCredentials(user, 600));
  const response = await client.allocate();
  expect(response.error).toBeUndefined();
  const relayed = response.xorAddress(Attr.XOR_RELAYED_ADDRESS);
  if (!relayed) throw new Error('no relayed address');
  return { client, relayed };
}

describe('TurnServer data paths and lifecycle', () => {
  it('relays Send/Data indications and ChannelData both ways, only for permitted peers', async () => {
    const server = new TurnServer(testTurnConfig());
    await server.start();
    const { client, relayed } = await allocated(server, 'data');
    const peer = await openPeer();
    // Permissions are per IP address (RFC 5766 §8): the stranger needs another one.
    const stranger = await openPeer('127.0.0.2');
    try {
      // No permission yet: nothing reaches the peer, nothing comes back.
      client.sendIndication(peer.address, Buffer.from('too early'));
      stranger.socket.send('who is there', relayed.port, relayed.address);
      await new Promise((r) => setTimeout(r, 200));
      expect(peer.received).toHaveLength(0);

      expect((await client.createPermission(peer.address)).error).toBeUndefined();
      client.sendIndication(peer.address, Buffer.from('via send'));
      await waitUntil('Send indication relayed', () => peer.received.length === 1);
      expect(peer.received[0]?.toString()).toBe('via send');
      expect(peer.received.length).toBe(1);

      // Peer → client as a Data indication (no channel yet); a 1-byte datagram is fine too.
      peer.socket.send(Buffer.from([0x42]), relayed.port, relayed.address);
      const indication = await client.next((d) => decodeStun(d.data).ok);
      const decoded = indication && decodeStun(indication.data);
      if (!decoded?.ok) throw new Error('no Data indication');
      expect(decoded.message.method).toBe(Method.DATA);
      expect(decoded.message.klass).toBe(StunClass.INDICATION);
      expect(getAttribute(decoded.message, Attr.DATA)).toEqual(Buffer.from([0x42]));
      const from = getAttribute(decoded.message, Attr.XOR_PEER_ADDRESS);
      expect(from && decodeXorAddress(from, decoded.message.transactionId)).toEqual({
        family: 1,
        ...peer.address,
      });

      // With a channel, both directions use ChannelData; a payload that
      // looks like ChannelData itself is relayed untouched.
      expect((await client.channelBind(0x4123, peer.address)).error).toBeUndefined();
      client.sendRaw(encodeChannelData(0x4123, Buffer.from('via channel')));
      await waitUntil('ChannelData relayed', () => peer.received.length === 2);
      expect(peer.received[1]?.toString()).toBe('via channel');
      const tricky = encodeChannelData(0x4000, Buffer.from('inner'));
      peer.socket.send(tricky, relayed.port, relayed.address);
      const framed = await client.next((d) => decodeChannelData(d.data) !== undefined);
      expect(framed && decodeChannelData(framed.data)).toEqual({ channel: 0x4123, data: tricky });
      // Datagrams from a peer without permission are dropped.
      stranger.socket.send('still nobody', relayed.port, relayed.address);
      expect(await client.next(() => true, 200)).toBeUndefined();
      expect(server.metrics().permissionDrops).toBeGreaterThanOrEqual(2);
      expect(server.metrics().channelDataPackets).toBe(2);
    } finally {
      client.close();
      peer.close();
      stranger.close();
      await server.close();
    }
  });

  it('expires an allocation that is not refreshed and frees its relay port', async () => {
    const server = new TurnServer(testTurnConfig({ defaultLifetime: 1, maxLifetime: 1 }));
    await server.start();
    const gone: Deallocated[] = [];
    server.on('deallocated', (info) => gone.push(info));
    const { client, relayed } = await allocated(server, 'brief');
    try {
      expect(await portIsFree(relayed.port)).toBe(false);
      await waitUntil('expiry', () => gone.length === 1, 4000);
      expect(gone[0]).toMatchObject({ reason: 'expired', user: expect.stringMatching(/:brief$/) });
      expect(await portIsFree(relayed.port)).toBe(true);
      expect(server.metrics()).toMatchObject({ allocationsActive: 0, allocationsExpired: 1 });
      // The client may allocate again on the same 5-tuple.
      expect((await client.allocate()).error).toBeUndefined();
    } finally {
      client.close();
      await server.close();
    }
  });

  it('caps the bandwidth of an allocation', async () => {
    const server = new TurnServer(testTurnConfig({ maxBytesPerSecond: 1000 }));
    await server.start();
    const { client } = await allocated(server, 'heavy');
    const peer = await openPeer();
    try {
      expect((await client.createPermission(peer.address)).error).toBeUndefined();
      for (let i = 0; i < 20; i++) client.sendIndication(peer.address, Buffer.alloc(200, i));
      await waitUntil('some packets relayed', () => peer.received.length >= 4);
      await new Promise((r) => setTimeout(r, 200));
      // 1000 bytes of burst: five 200-byte packets, perhaps one more refilled.
      expect(peer.received.length).toBeLessThanOrEqual(6);
      expect(server.metrics().bandwidthDrops).toBeGreaterThanOrEqual(14);
    } finally {
      client.close();
      peer.close();
      await server.close();
    }
  });

  it('closes gracefully: relays closed, ports freed, safe twice, no restart', async () => {
    const server = new TurnServer(testTurnConfig());
    await server.start();
    const { client, relayed } = await allocated(server, 'last');
    const listening = server.address;
    const gone: Deallocated[] = [];
    server.on('deallocated', (info) => gone.push(info));
    let closedEvents = 0;
    server.on('closed', () => closedEvents++);
    try {
      await Promise.all([server.close(), server.close()]);
      await server.close();
      expect(server.closed).toBe(true);
      expect(closedEvents).toBe(1);
      expect(gone).toMatchObject([{ reason: 'shutdown' }]);
      expect(gone[0]?.user).toMatch(/:last$/);
      expect(await portIsFree(relayed.port)).toBe(true);
      expect(listening && (await portIsFree(listening.port))).toBe(true);
      await expect(server.start()).rejects.toThrow(InvalidStateError);
      expect(await client.tryRequest(Method.BINDING, [], { timeoutMs: 300 })).toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('logs allocations with user, lifetime and bytes, and never a password', async () => {
    const lines: string[] = [];
    configureLogging({ level: 'info', sink: (line) => lines.push(line) });
    const server = new TurnServer(testTurnConfig({ logLevel: 'info' }));
    try {
      await server.start();
      const credentials = server.issueCredentials('logged', 600);
      const { client } = await allocated(server, 'logged');
      const peer = await openPeer();
      expect((await client.createPermission(peer.address)).error).toBeUndefined();
      client.sendIndication(peer.address, Buffer.alloc(100));
      await waitUntil('relayed', () => peer.received.length === 1);
      const forged = await StunClient.open(server.address, { ...credentials, password: 'guess' });
      expect((await forged.allocate()).error?.code).toBe(401);
      forged.close();
      client.close();
      peer.close();
      await server.close();
      const text = lines.join('\n');
      expect(text).toMatch(/turn: allocation created user=\d+:logged .*lifetime=600/);
      expect(text).toMatch(/turn: allocation closed .*reason=shutdown .*bytesToPeer=100/);
      expect(text).toMatch(/turn: authentication failed username=\d+:logged reason=forged/);
      expect(text).not.toContain(credentials.password);
      expect(text).not.toContain('guess');
    } finally {
      configureLogging({ level: 'warn', sink: (line) => process.stderr.write(line + '\n') });
      await server.close();
    }
  });

  it('fails start() clearly when the port is taken', async () => {
    const first = new TurnServer(testTurnConfig());
    await first.start();
    const second = new TurnServer(testTurnConfig({ port: first.address?.port ?? 0 }));
    try {
      await expect(second.start()).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+/);
      expect(second.closed).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
