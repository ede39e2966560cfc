/**
 * Confab's built-in TURN server (RFC 5766 over UDP, RFC 6156 address
 * families) with TURN REST credentials shared with Prosody (XEP-0215).
 *
 * This is the socket edge. It owns the listening UDP socket, decodes each
 * datagram with Confab's codec (stun/), and hands STUN messages to node-turn
 * for parsing (with the extension in nodeTurn.ts), long-term authentication
 * and its CreatePermission/ChannelBind state. Method handlers are Confab's:
 * Binding, Allocate (quotas, EVEN-PORT, RESERVATION-TOKEN,
 * REQUESTED-ADDRESS-FAMILY, lifetime cap), Refresh, Send, plus the checks
 * that answer 400/403/420/437/440/442/443/486/508 before node-turn's own
 * handlers run. ChannelData is relayed here, and peer data in Relay.ts.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { errorMessage, InvalidStateError } from '../common/errors';
import { createLogger } from '../common/logger';
import { TypedEmitter, type EventMap } from '../common/TypedEmitter';
import { Allocations, type Deallocated } from './Allocations';
import type { TurnConfig } from './config';
import { candidatePasswords, issueCredentials, type TurnCredentials } from './credentials';
import { canonicalIp, parseIp, type IpFamily } from './ip';
import { leveledLog, type TurnLog } from './log';
import { emptyCounters, renderPrometheus, type TurnMetrics } from './metrics';
import { Nonces } from './nonces';
import { Address, Message, NodeTurnServer, Transport, UDP_PROTOCOL } from './nodeTurn';
import { PeerPolicy } from './peerPolicy';
import { SOFTWARE, TurnMethods } from './TurnMethods';
import type { RelayInfo } from './Relay';
import { decodeChannelData, isChannelData } from './stun/channelData';
import { Attr, StunClass } from './stun/constants';
import {
  decodeStun,
  getAttribute,
  longTermKey,
  verifyIntegrity,
  type StunMessage,
} from './stun/message';

const NONCE_LIFETIME_MS = 3600_000;

export interface AuthFailure {
  username: string;
  reason: 'expired' | 'malformed' | 'forged';
  from: string;
}

export interface TurnServerEvents extends EventMap {
  allocated: [RelayInfo];
  deallocated: [Deallocated];
  authFailure: [AuthFailure];
  closed: [];
}

export class TurnServer extends TypedEmitter<TurnServerEvents> {
  private readonly log: TurnLog;
  private readonly nodeTurn: NodeTurnServer;
  private readonly allocations: Allocations;
  private readonly counters = emptyCounters();
  private readonly policy: PeerPolicy;
  private readonly nonces = new Nonces(NONCE_LIFETIME_MS);
  private readonly relayFamily: IpFamily;
  private readonly contexts = new WeakMap<Message, StunMessage>();
  private verified: { username: string; password: string } | undefined;
  private socket: Socket | undefined;
  private local: Address | undefined;
  private state: 'new' | 'starting' | 'running' | 'closed' = 'new';
  private closing: Promise<void> | undefined;
  /** The address announced as XOR-RELAYED-ADDRESS. */
  readonly relayedAddress: string;

  constructor(private readonly config: TurnConfig) {
    super();
    if (config.secrets.length === 0) throw new TypeError('TurnServer needs at least one secret');
    this.log = leveledLog(createLogger('turn'), config.logLevel);
    this.policy = new PeerPolicy({
      denied: config.deniedPeerRanges,
      allowed: config.allowedPeerRanges,
    });
    const relayAddress = config.relayAddress ?? config.listenAddress;
    this.relayFamily = parseIp(relayAddress)?.family ?? 4;
    this.relayedAddress = config.externalAddress ?? announcedAddress(relayAddress);
    this.nodeTurn = new NodeTurnServer({
      listeningIps: [config.listenAddress],
      relayIps: [relayAddress],
      externalIps: this.relayedAddress,
      minPort: config.minPort,
      maxPort: config.maxPort,
      maxAllocateLifetime: config.maxLifetime,
      defaultAllocatetLifetime: config.defaultLifetime,
      authMech: 'long-term',
      realm: config.realm,
      credentials: this.credentialLookup(),
      debugLevel: config.logLevel === 'debug' ? 'DEBUG' : 'OFF',
      debug: (level, message) => this.log.debug('node-turn', { level, message: String(message) }),
      log: (message) => this.log.debug('node-turn', { message: String(message) }),
    });
    this.nodeTurn.software = SOFTWARE;
    this.nodeTurn.authentification.generateNonce = () => this.nonces.issue();
    this.nodeTurn.authentification.checkNonce = (nonce) => this.nonces.check(nonce);
    this.allocations = new Allocations({
      config,
      nodeTurn: this.nodeTurn,
      relayAddress,
      relayFamily: this.relayFamily,
      counters: this.counters,
      log: this.log,
      onAllocated: (info) => this.emit('allocated', info),
      onDeallocated: (info) => this.emit('deallocated', info),
    });
    // Installs Confab's method handlers in place of node-turn's listeners.
    new TurnMethods({
      config,
      nodeTurn: this.nodeTurn,
      allocations: this.allocations,
      policy: this.policy,
      relayFamily: this.relayFamily,
      counters: this.counters,
      log: this.log,
      socket: () => this.socket,
      decoded: (msg) => this.contexts.get(msg),
    });
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** The bound listening address, once started. */
  get address(): { address: string; port: number } | undefined {
    return this.local && { address: this.config.listenAddress, port: this.local.port };
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new InvalidStateError(`TurnServer cannot start: ${this.state}`);
    this.state = 'starting';
    const { listenAddress, port } = this.config;
    const family = parseIp(listenAddress)?.family === 6 ? 'udp6' : 'udp4';
    const socket = createSocket({ type: family, ipv6Only: family === 'udp6' });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: listenAddress, port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.state = 'closed';
      throw new Error(`TURN cannot listen on ${listenAddress}:${port}: ${errorMessage(error)}`);
    }
    if (this.closing) {
      socket.close();
      return;
    }
    this.socket = socket;
    this.local = new Address(listenAddress, socket.address().port);
    socket.on('message', (datagram, rinfo) => this.onDatagram(datagram, rinfo));
    socket.on('error', (error) => this.log.warn('listening socket error', { error }));
    this.state = 'running';
    this.log.info('listening', {
      address: `${listenAddress}:${this.local.port}`,
      relayed: this.relayedAddress,
      ports: `${this.config.minPort}-${this.config.maxPort}`,
    });
  }

  /** Stops accepting requests and closes every relay. Safe to call twice. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.state = 'closed';
    this.closing = (async () => {
      this.allocations.closeAll('shutdown');
      const socket = this.socket;
      this.socket = undefined;
      if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
      this.log.info('closed', { allocationsTotal: this.counters.allocationsTotal });
      this.emit('closed');
    })();
    return this.closing;
  }

  metrics(): TurnMetrics {
    const c = this.counters;
    return {
      allocationsActive: this.allocations.size,
      ...c,
      relayedPackets: c.relayedPacketsToPeer + c.relayedPacketsToClient,
      relayedBytes: c.relayedBytesToPeer + c.relayedBytesToClient,
    };
  }

  prometheus(): string {
    return renderPrometheus(this.metrics());
  }

  /** Credentials signed with the first secret, as Prosody would issue them. */
  issueCredentials(user?: string, ttlSeconds = this.config.credentialTtl): TurnCredentials {
    const [secret] = this.config.secrets;
    if (secret === undefined) throw new InvalidStateError('no TURN secret');
    return issueCredentials(secret, user, ttlSeconds);
  }

  // --- datagrams -----------------------------------------------------------

  private onDatagram(datagram: Buffer, rinfo: RemoteInfo): void {
    const socket = this.socket;
    const local = this.local;
    if (this.state !== 'running' || !socket || !local) return;
    try {
      if (isChannelData(datagram)) {
        this.onChannelData(datagram, rinfo);
        return;
      }
      const decoded = decodeStun(datagram);
      if (!decoded.ok) {
        this.counters.malformedDatagrams++;
        this.log.debug('datagram dropped', { from: key(rinfo), reason: decoded.reason });
        return;
      }
      const stun = decoded.message;
      if (stun.klass === StunClass.SUCCESS || stun.klass === StunClass.ERROR) return;
      if (stun.klass === StunClass.REQUEST) this.verifyCredentials(stun, key(rinfo));
      const src = new Address(rinfo.address, rinfo.port);
      const msg = new Message(this.nodeTurn, new Transport(UDP_PROTOCOL, src, local, socket));
      if (!msg.read(datagram)) return;
      this.contexts.set(msg, stun);
      this.nodeTurn.emit('message', msg);
    } catch (error) {
      this.counters.internalErrors++;
      this.log.error('datagram handling failed', { from: key(rinfo), error });
    } finally {
      this.verified = undefined;
    }
  }

  private onChannelData(datagram: Buffer, rinfo: RemoteInfo): void {
    const channelData = decodeChannelData(datagram);
    if (!channelData) {
      this.counters.malformedDatagrams++;
      return;
    }
    const relay = this.allocations.get(clientKey(rinfo));
    if (!relay) {
      this.counters.permissionDrops++;
      return;
    }
    relay.sendOnChannel(channelData.channel, channelData.data);
  }

  /**
   * Finds which accepted secret signed this request, for node-turn's
   * credential lookup (credentialLookup) during this synchronous dispatch.
   * Expired, malformed and forged credentials get no password, so node-turn
   * answers 401.
   */
  private verifyCredentials(stun: StunMessage, from: string): void {
    const usernameValue = getAttribute(stun, Attr.USERNAME);
    const nonce = getAttribute(stun, Attr.NONCE)?.toString('utf8');
    if (stun.integrityOffset === undefined || !usernameValue || !nonce) return;
    if (!this.nonces.check(nonce)) return; // node-turn answers 438 Stale Nonce
    const username = usernameValue.toString('utf8');
    const candidates = candidatePasswords(this.config.secrets, username);
    const password = candidates.ok
      ? candidates.passwords.find((p) =>
          verifyIntegrity(stun, longTermKey(username, this.config.realm, p)),
        )
      : undefined;
    if (password !== undefined) {
      this.verified = { username, password };
      return;
    }
    const reason = candidates.ok ? 'forged' : candidates.reason;
    this.counters.authFailures++;
    this.log.info('authentication failed', { username, reason, from });
    this.emit('authFailure', { username, reason, from });
  }

  private credentialLookup(): Record<string, string | undefined> {
    return new Proxy<Record<string, string | undefined>>(
      {},
      {
        get: (_target, username) =>
          typeof username === 'string' && this.verified?.username === username
            ? this.verified.password
            : undefined,
      },
    );
  }
}

function key(rinfo: { address: string; port: number }): string {
  return `${rinfo.address}:${rinfo.port}`;
}

/** The key of a client transport address, as clientOf() makes it from node-turn's. */
function clientKey(rinfo: RemoteInfo): string {
  return rinfo.family === 'IPv4'
    ? key(rinfo)
    : key({ ...rinfo, address: canonicalIp(rinfo.address) ?? rinfo.address });
}

/** The relay's own address when specific; for a wildcard, the first external address of its family. */
function announcedAddress(relayAddress: string): string {
  const ip = parseIp(relayAddress);
  if (ip && ip.bytes.some((b) => b !== 0)) return relayAddress;
  const family = ip?.family === 6 ? 'IPv6' : 'IPv4';
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === family && !entry.internal && !entry.address.startsWith('fe80')) {
        return entry.address;
      }
    }
  }
  return family === 'IPv6' ? '::1' : '127.0.0.1';
}
