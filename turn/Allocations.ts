/**
 * The live allocations of one TURN server: quotas (per REST username and in
 * total), relay port binding, and the Relay objects keyed by the client's
 * transport address. Closing a relay removes it from here.
 */
import type { Socket } from 'node:dgram';
import type { TurnConfig } from './config';
import type { IpFamily } from './ip';
import type { TurnLog } from './log';
import type { TurnCounter } from './metrics';
import { Allocation, type Message, type NodeTurnServer } from './nodeTurn';
import { Relay, type CloseReason, type RelayInfo, type RelayStats } from './Relay';
import { NoPortError, RelayPorts } from './RelayPorts';
import { grantedLifetime, type AllocateRequest, type Failure } from './requests';
import { ErrorCode } from './stun/constants';
import { TokenBucket } from './TokenBucket';

export type Deallocated = RelayInfo & RelayStats & { reason: CloseReason };

export interface AllocationsOptions {
  config: TurnConfig;
  nodeTurn: NodeTurnServer;
  relayAddress: string;
  relayFamily: IpFamily;
  counters: Record<TurnCounter, number>;
  log: TurnLog;
  onAllocated: (info: RelayInfo) => void;
  onDeallocated: (info: Deallocated) => void;
}

export class Allocations {
  private readonly relays = new Map<string, Relay>();
  private readonly perUser = new Map<string, number>();
  private readonly pending = new Set<string>();
  private readonly ports: RelayPorts;
  private isClosed = false;

  constructor(private readonly o: AllocationsOptions) {
    this.ports = new RelayPorts({
      address: o.relayAddress,
      family: o.relayFamily,
      minPort: o.config.minPort,
      maxPort: o.config.maxPort,
    });
  }

  get size(): number {
    return this.relays.size;
  }

  get(client: string): Relay | undefined {
    return this.relays.get(client);
  }

  /** True while an Allocate from this client is being served (retransmissions are dropped). */
  isPending(client: string): boolean {
    return this.pending.has(client);
  }

  /**
   * Creates an allocation for an authenticated Allocate request, or returns
   * the STUN error: 486 past the user's quota, 508 past the total quota or
   * without a free port or valid reservation.
   */
  async create(
    msg: Message,
    request: AllocateRequest,
    client: { address: string; port: number; key: string },
    clientSocket: Socket,
  ): Promise<Relay | Failure> {
    const { config, counters } = this.o;
    const user = msg.user?.username ?? '';
    if ((this.perUser.get(user) ?? 0) >= config.userQuota) {
      counters.quotaRejections++;
      this.o.log.info('allocation refused: user quota', { user, quota: config.userQuota });
      return { code: ErrorCode.ALLOCATION_QUOTA_REACHED };
    }
    if (this.relays.size + this.pending.size >= config.totalQuota) {
      counters.capacityRejections++;
      this.o.log.warn('allocation refused: total quota', { user, quota: config.totalQuota });
      return { code: ErrorCode.INSUFFICIENT_CAPACITY };
    }
    this.pending.add(client.key);
    this.count(user, +1);
    let socket: Socket | undefined;
    let reservationToken: string | undefined;
    try {
      if (request.reservationToken !== undefined) {
        socket = this.ports.take(request.reservationToken);
      } else {
        ({ socket, reservationToken } = await this.ports.bind(request.evenPort));
      }
    } catch (error) {
      if (!(error instanceof NoPortError)) throw error;
      this.o.log.warn('allocation refused: no relay port', { user, error });
    } finally {
      this.pending.delete(client.key);
    }
    if (!socket || this.isClosed) {
      socket?.close();
      this.count(user, -1);
      counters.capacityRejections++;
      return { code: ErrorCode.INSUFFICIENT_CAPACITY };
    }
    const lifetime = grantedLifetime(request.lifetime, config.defaultLifetime, config.maxLifetime);
    const allocation = new Allocation(msg, [socket], lifetime);
    const relay = new Relay({
      nodeTurn: this.o.nodeTurn,
      allocation,
      socket,
      clientSocket,
      client,
      user,
      lifetime,
      reservationToken,
      bucket: new TokenBucket(config.maxBytesPerSecond),
      counters,
      log: this.o.log.child({ user, client: client.key }),
      onClose: (closed, reason) => this.closed(client.key, closed, reason),
    });
    this.relays.set(client.key, relay);
    counters.allocationsTotal++;
    this.o.log.info('allocation created', {
      user,
      client: client.key,
      relayed: relay.info.relayed,
      lifetime,
      evenPort: request.evenPort !== undefined,
    });
    this.o.onAllocated({ ...relay.info });
    return relay;
  }

  closeAll(reason: CloseReason): void {
    this.isClosed = true;
    for (const relay of [...this.relays.values()]) relay.close(reason);
    this.ports.close();
  }

  private closed(key: string, relay: Relay, reason: CloseReason): void {
    if (this.relays.get(key) === relay) this.relays.delete(key);
    this.count(relay.info.user, -1);
    this.o.onDeallocated({ ...relay.info, ...relay.stats, reason });
  }

  private count(user: string, delta: number): void {
    const n = (this.perUser.get(user) ?? 0) + delta;
    if (n > 0) this.perUser.set(user, n);
    else this.perUser.delete(user);
  }
}
