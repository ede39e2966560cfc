/**
 * One TURN allocation at the socket edge: node-turn's Allocation object keeps
 * the permissions and channel bindings (its CreatePermission and ChannelBind
 * handlers fill them), and this class moves the data, with the fixes node-turn
 * lacks:
 * - ChannelData from the client is relayed (node-turn drops it);
 * - datagrams from peers are relayed as they are (node-turn parses them as
 *   ChannelData and can strip 4 bytes, or crash the process on a 1-byte one);
 * - the lifetime is enforced and the relay socket closed when it ends
 *   (node-turn only forgets the allocation, leaking the socket and port);
 * - bytes and packets are counted, and the bandwidth cap applied.
 */
import { randomBytes } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import { canonicalIp } from './ip';
import type { TurnLog } from './log';
import type { TurnCounter } from './metrics';
import type { Allocation, NodeTurnServer } from './nodeTurn';
import { encodeXorAddress } from './stun/attributes';
import { encodeChannelData } from './stun/channelData';
import { Attr, Method, StunClass } from './stun/constants';
import { encodeStun } from './stun/message';
import type { TokenBucket } from './TokenBucket';

interface Peer {
  address: string;
  port: number;
}

export type CloseReason = 'expired' | 'released' | 'shutdown' | 'socket-error';

export interface RelayInfo {
  user: string;
  client: string;
  relayed: string;
  lifetime: number;
  reservationToken: string | undefined;
}

export interface RelayStats {
  packetsToPeer: number;
  bytesToPeer: number;
  packetsToClient: number;
  bytesToClient: number;
}

export interface RelayOptions {
  nodeTurn: NodeTurnServer;
  allocation: Allocation;
  socket: Socket;
  clientSocket: Socket;
  client: { address: string; port: number };
  user: string;
  lifetime: number;
  reservationToken: string | undefined;
  bucket: TokenBucket;
  counters: Record<TurnCounter, number>;
  log: TurnLog;
  onClose: (relay: Relay, reason: CloseReason) => void;
}

export class Relay {
  readonly info: RelayInfo;
  readonly stats: RelayStats = {
    packetsToPeer: 0,
    bytesToPeer: 0,
    packetsToClient: 0,
    bytesToClient: 0,
  };
  readonly transactionId: string;
  private readonly createdAt = Date.now();
  private expiry: ReturnType<typeof setTimeout> | undefined;
  /** Channel bindings with canonical peer addresses, rebuilt after each ChannelBind. */
  private channels: { byNumber: Map<number, Peer>; byPeer: Map<string, number> } | undefined;
  private isClosed = false;

  constructor(private readonly o: RelayOptions) {
    const { allocation, socket } = o;
    this.transactionId = allocation.transactionID;
    const relayed = allocation.relayedTransportAddress;
    this.info = {
      user: o.user,
      client: `${o.client.address}:${o.client.port}`,
      relayed: `${relayed.address}:${relayed.port}`,
      lifetime: o.lifetime,
      reservationToken: o.reservationToken,
    };
    // Take over from node-turn: its timer only forgets the allocation, its
    // listener mis-parses peer data.
    clearTimeout(allocation.timer);
    socket.removeAllListeners('message');
    socket.on('message', (data, rinfo) => this.fromPeer(data, rinfo));
    socket.on('error', (error) => {
      o.log.warn('relay socket error', { error });
      this.close('socket-error');
    });
    const nativePermit = allocation.permit.bind(allocation);
    allocation.permit = (address: string) => nativePermit(canonicalIp(address) ?? address);
    this.refresh(o.lifetime);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get lifetime(): number {
    return this.info.lifetime;
  }

  refresh(lifetime: number): void {
    if (this.isClosed) return;
    this.info.lifetime = lifetime;
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.close('expired'), lifetime * 1000);
    this.expiry.unref();
  }

  /** Call after a ChannelBind changed the bindings. */
  channelsChanged(): void {
    this.channels = undefined;
  }

  /** Data of a Send indication (peer already decoded and canonical). */
  sendToPeer(address: string, port: number, data: Buffer): void {
    if (!this.permitted(address)) {
      this.o.counters.permissionDrops++;
      return;
    }
    this.toPeer(address, port, data);
  }

  /** Data of a ChannelData message from the client. */
  sendOnChannel(channel: number, data: Buffer): void {
    const peer = this.bindings().byNumber.get(channel);
    if (!peer || !this.permitted(peer.address)) {
      this.o.counters.permissionDrops++;
      return;
    }
    if (this.toPeer(peer.address, peer.port, data)) this.o.counters.channelDataPackets++;
  }

  close(reason: CloseReason): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.expiry);
    const { allocation, nodeTurn, socket } = this.o;
    if (nodeTurn.allocations[allocation.fiveTuple] === allocation) {
      Reflect.deleteProperty(nodeTurn.allocations, allocation.fiveTuple);
    }
    socket.removeAllListeners('message');
    try {
      socket.close();
    } catch {
      // already closed after a socket error
    }
    if (reason === 'expired') this.o.counters.allocationsExpired++;
    this.o.log.info('allocation closed', {
      reason,
      seconds: Math.round((Date.now() - this.createdAt) / 1000),
      ...this.stats,
    });
    this.o.onClose(this, reason);
  }

  /** Send errors (unreachable network…) are counted, never fatal to the relay. */
  private readonly onSent = (error: Error | null): void => {
    if (error) {
      this.o.counters.sendErrors++;
      this.o.log.debug('send failed', { error });
    }
  };

  get allocation(): Allocation {
    return this.o.allocation;
  }

  private permitted(address: string): boolean {
    const expiry = this.o.allocation.permissions[address];
    return expiry !== undefined && expiry > Date.now();
  }

  private toPeer(address: string, port: number, data: Buffer): boolean {
    if (!this.o.bucket.take(data.length)) {
      this.o.counters.bandwidthDrops++;
      return false;
    }
    this.stats.packetsToPeer++;
    this.stats.bytesToPeer += data.length;
    this.o.counters.relayedPacketsToPeer++;
    this.o.counters.relayedBytesToPeer += data.length;
    this.o.socket.send(data, port, address, this.onSent);
    return true;
  }

  private fromPeer(data: Buffer, rinfo: RemoteInfo): void {
    if (this.isClosed) return;
    const address = rinfo.family === 'IPv4' ? rinfo.address : canonicalIp(rinfo.address);
    if (!address || !this.permitted(address)) {
      this.o.counters.permissionDrops++;
      return;
    }
    if (!this.o.bucket.take(data.length)) {
      this.o.counters.bandwidthDrops++;
      return;
    }
    const channel = this.bindings().byPeer.get(`${address}|${rinfo.port}`);
    const { client, clientSocket } = this.o;
    let out: Buffer;
    if (channel === undefined) {
      out = this.dataIndication(address, rinfo.port, data);
    } else {
      out = encodeChannelData(channel, data);
      this.o.counters.channelDataPackets++;
    }
    this.stats.packetsToClient++;
    this.stats.bytesToClient += data.length;
    this.o.counters.relayedPacketsToClient++;
    this.o.counters.relayedBytesToClient += data.length;
    clientSocket.send(out, client.port, client.address, this.onSent);
  }

  private dataIndication(address: string, port: number, data: Buffer): Buffer {
    const transactionId = randomBytes(12);
    return encodeStun({
      method: Method.DATA,
      klass: StunClass.INDICATION,
      transactionId,
      attributes: [
        encodeXorAddress(Attr.XOR_PEER_ADDRESS, address, port, transactionId),
        { type: Attr.DATA, value: data },
      ],
    });
  }

  private bindings(): { byNumber: Map<number, Peer>; byPeer: Map<string, number> } {
    if (!this.channels) {
      const byNumber = new Map<number, Peer>();
      const byPeer = new Map<string, number>();
      for (const [channel, peer] of Object.entries(this.o.allocation.channelBindings)) {
        if (!peer) continue;
        const address = canonicalIp(peer.address) ?? peer.address;
        byNumber.set(Number(channel), { address, port: peer.port });
        byPeer.set(`${address}|${peer.port}`, Number(channel));
      }
      this.channels = { byNumber, byPeer };
    }
    return this.channels;
  }
}
