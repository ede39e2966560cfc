/**
 * Confab's handlers for the STUN/TURN methods, installed in place of
 * node-turn's listeners (node-turn still authenticates and dispatches, and
 * keeps permissions and channels). Each request is first checked for unknown
 * comprehension-required attributes (420 with UNKNOWN-ATTRIBUTES), then by
 * requests.ts, and only then served; node-turn's CreatePermission and
 * ChannelBind run after Confab's peer checks (400/403/443). Errors are sent
 * with Confab's codec, integrity-protected once the client is authenticated.
 */
import type { Socket } from 'node:dgram';
import type { Allocations } from './Allocations';
import type { TurnConfig } from './config';
import { canonicalIp, type IpFamily } from './ip';
import type { TurnLog } from './log';
import type { TurnCounter } from './metrics';
import type { Address, Message, NodeTurnServer } from './nodeTurn';
import type { PeerPolicy } from './peerPolicy';
import {
  grantedLifetime,
  isFailure,
  parseAllocate,
  parseChannelBind,
  parsePeers,
  parseRefresh,
  unknownAttributes,
  type Failure,
} from './requests';
import {
  decodeXorAddress,
  encodeErrorCode,
  encodeText,
  encodeUnknownAttributes,
} from './stun/attributes';
import { Attr, ErrorCode, StunClass } from './stun/constants';
import { encodeStun, getAttribute, longTermKey, type StunMessage } from './stun/message';

export const SOFTWARE = 'Confab TURN';

type Handler = (msg: Message, reply: Message, stun: StunMessage) => void;

export interface TurnMethodsOptions {
  config: TurnConfig;
  nodeTurn: NodeTurnServer;
  allocations: Allocations;
  policy: PeerPolicy;
  relayFamily: IpFamily;
  counters: Record<TurnCounter, number>;
  log: TurnLog;
  /** The listening socket while running. */
  socket: () => Socket | undefined;
  /** Confab's decoding of the datagram node-turn parsed into `msg`. */
  decoded: (msg: Message) => StunMessage | undefined;
}

export class TurnMethods {
  constructor(private readonly o: TurnMethodsOptions) {
    this.route('binding', this.onBinding);
    this.route('allocate', this.onAllocate);
    this.route('refresh', this.onRefresh);
    this.route('create_permission', this.onCreatePermission);
    this.route('channel_bind', this.onChannelBind);
    this.route('send', this.onSend);
    this.route('data', this.onUnsupported);
    this.route('unknown-method', this.onUnsupported);
  }

  /** Replaces node-turn's listener for an event with a checked Confab handler. */
  private route(event: string, handler: Handler): void {
    this.o.nodeTurn.removeAllListeners(event);
    this.o.nodeTurn.on(event, (msg: Message, reply: Message) => {
      const stun = this.o.decoded(msg);
      if (!stun) return;
      if (stun.klass === StunClass.REQUEST) {
        const unknown = unknownAttributes(stun);
        if (unknown.length > 0) {
          this.o.counters.unknownAttributeRejections++;
          this.fail(msg, stun, { code: ErrorCode.UNKNOWN_ATTRIBUTE, unknown });
          return;
        }
      }
      handler.call(this, msg, reply, stun);
    });
  }

  /** STUN Binding (RFC 5389): the reflexive address, no authentication. */
  private onBinding(msg: Message, reply: Message): void {
    this.o.counters.bindingRequests++;
    reply.addAttribute('xor-mapped-address', msg.transport.src);
    reply.addAttribute('software', SOFTWARE);
    reply.resolve();
  }

  private onAllocate(msg: Message, reply: Message, stun: StunMessage): void {
    const client = clientOf(msg);
    const existing = this.o.allocations.get(client.key);
    if (existing) {
      if (existing.transactionId !== msg.transactionID) {
        this.fail(msg, stun, { code: ErrorCode.ALLOCATION_MISMATCH });
      } else {
        this.allocateSuccess(
          reply,
          existing.allocation,
          existing.lifetime,
          existing.info.reservationToken,
        );
      }
      return;
    }
    if (this.o.allocations.isPending(client.key)) return; // a retransmission: the answer is coming
    const request = parseAllocate(stun, this.o.relayFamily);
    if (isFailure(request)) {
      this.fail(msg, stun, request);
      return;
    }
    const socket = this.o.socket();
    if (!socket) return;
    this.o.allocations.create(msg, request, client, socket).then(
      (result) => {
        if (isFailure(result)) this.fail(msg, stun, result);
        else
          this.allocateSuccess(
            reply,
            result.allocation,
            result.lifetime,
            result.info.reservationToken,
          );
      },
      (error: unknown) => {
        this.o.counters.internalErrors++;
        this.o.log.error('allocation failed', { error });
        this.fail(msg, stun, { code: ErrorCode.SERVER_ERROR });
      },
    );
  }

  private allocateSuccess(
    reply: Message,
    allocation: { relayedTransportAddress: Address; mappedAddress: Address },
    lifetime: number,
    reservationToken: string | undefined,
  ): void {
    reply.addAttribute('xor-relayed-address', allocation.relayedTransportAddress);
    reply.addAttribute('lifetime', lifetime);
    reply.addAttribute('xor-mapped-address', allocation.mappedAddress);
    if (reservationToken !== undefined) reply.addAttribute('reservation-token', reservationToken);
    reply.addAttribute('software', SOFTWARE);
    reply.addAttribute('message-integrity');
    reply.resolve();
  }

  private onRefresh(msg: Message, reply: Message, stun: StunMessage): void {
    const relay = this.o.allocations.get(clientOf(msg).key);
    const request = relay
      ? parseRefresh(stun, this.o.relayFamily)
      : { code: ErrorCode.ALLOCATION_MISMATCH };
    if (!relay || isFailure(request)) {
      this.fail(msg, stun, request as Failure);
      return;
    }
    let lifetime = 0;
    if (request.lifetime === 0) {
      relay.close('released');
    } else {
      const { defaultLifetime, maxLifetime } = this.o.config;
      lifetime = grantedLifetime(request.lifetime, defaultLifetime, maxLifetime);
      relay.refresh(lifetime);
    }
    reply.addAttribute('lifetime', lifetime);
    reply.addAttribute('software', SOFTWARE);
    reply.addAttribute('message-integrity');
    reply.resolve();
  }

  private onCreatePermission(msg: Message, reply: Message, stun: StunMessage): void {
    const checked = parsePeers(stun, this.o.relayFamily, this.o.policy);
    if (isFailure(checked)) {
      this.fail(msg, stun, checked);
      return;
    }
    this.o.nodeTurn.createPermission.createPermission(msg, reply);
  }

  private onChannelBind(msg: Message, reply: Message, stun: StunMessage): void {
    const checked = parseChannelBind(stun, this.o.relayFamily, this.o.policy);
    if (isFailure(checked)) {
      this.fail(msg, stun, checked);
      return;
    }
    // node-turn answers ChannelBind without MESSAGE-INTEGRITY, and libwebrtc
    // then drops the success and never switches to ChannelData: add it.
    const resolve = reply.resolve.bind(reply);
    reply.resolve = () => {
      reply.addAttribute('software', SOFTWARE);
      reply.addAttribute('message-integrity');
      resolve();
    };
    this.o.nodeTurn.channelBind.channelBind(msg, reply);
    this.o.allocations.get(clientOf(msg).key)?.channelsChanged();
  }

  private onSend(msg: Message, reply: Message, stun: StunMessage): void {
    if (stun.klass !== StunClass.INDICATION) {
      this.fail(msg, stun, { code: ErrorCode.BAD_REQUEST });
      return;
    }
    // Indications are never answered: unknown attributes (DONT-FRAGMENT
    // included, RFC 5766 §10.2) or missing ones drop the datagram.
    const relay = this.o.allocations.get(clientOf(msg).key);
    const peerValue = getAttribute(stun, Attr.XOR_PEER_ADDRESS);
    const peer = peerValue && decodeXorAddress(peerValue, stun.transactionId);
    const data = getAttribute(stun, Attr.DATA);
    const address = peer && canonicalIp(peer.address);
    if (!relay || !peer || !data || !address || unknownAttributes(stun).length > 0) {
      this.o.counters.permissionDrops++;
      return;
    }
    relay.sendToPeer(address, peer.port, data);
  }

  private onUnsupported(msg: Message, _reply: Message, stun: StunMessage): void {
    if (stun.klass === StunClass.REQUEST) this.fail(msg, stun, { code: ErrorCode.BAD_REQUEST });
  }

  /** Sends a STUN error response, integrity-protected once the client is authenticated. */
  private fail(msg: Message, stun: StunMessage, failure: Failure): void {
    const socket = this.o.socket();
    if (!socket) return;
    if (failure.code === ErrorCode.FORBIDDEN) this.o.counters.deniedPeers++;
    else if (![420, 486, 508].includes(failure.code)) this.o.counters.otherRejections++;
    if (failure.code === ErrorCode.FORBIDDEN) {
      this.o.log.info('peer address denied', {
        user: msg.user?.username,
        client: clientOf(msg).key,
      });
    }
    const attributes = [encodeErrorCode(failure.code)];
    if (failure.unknown) attributes.push(encodeUnknownAttributes(failure.unknown));
    attributes.push(encodeText(Attr.SOFTWARE, SOFTWARE));
    const user = msg.user;
    const response = encodeStun(
      {
        method: stun.method,
        klass: StunClass.ERROR,
        transactionId: stun.transactionId,
        attributes,
      },
      {
        integrityKey: user
          ? longTermKey(user.username, this.o.config.realm, user.password)
          : undefined,
        fingerprint: stun.hasFingerprint,
      },
    );
    const { address, port } = msg.transport.src;
    socket.send(response, port, address, (error) => {
      if (error) this.o.counters.sendErrors++;
    });
  }
}

/** The client's transport address, canonical, and the key Allocations uses for it. */
export function clientOf(msg: Message): { address: string; port: number; key: string } {
  const { address, port } = msg.transport.src;
  const canonical = canonicalIp(address) ?? address;
  return { address: canonical, port, key: `${canonical}:${port}` };
}
