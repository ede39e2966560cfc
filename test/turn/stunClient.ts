/**
 * A minimal STUN/TURN client for tests: crafts raw requests (any attribute,
 * even unknown or malformed ones), runs the long-term credential dance
 * (401 → REALM/NONCE → signed request), checks response integrity, and
 * exposes the raw socket for garbage datagrams and relayed data.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  decodeErrorCode,
  decodeUint32,
  decodeUnknownAttributes,
  decodeXorAddress,
  encodeChannelNumber,
  encodeRequestedTransport,
  encodeText,
  encodeXorAddress,
  type TransportAddress,
} from '../../turn/stun/attributes';
import { Attr, Method, StunClass, TRANSPORT_UDP } from '../../turn/stun/constants';
import {
  decodeStun,
  encodeStun,
  getAttribute,
  longTermKey,
  verifyIntegrity,
  type StunAttribute,
  type StunMessage,
} from '../../turn/stun/message';

export interface Response {
  message: StunMessage;
  /** Undefined for a success. */
  error: { code: number; reason: string } | undefined;
  unknownAttributes: number[];
  /** Whether MESSAGE-INTEGRITY verified with the client's key (false if absent). */
  integrity: boolean;
  attr(type: number): Buffer | undefined;
  xorAddress(type: number): TransportAddress | undefined;
  lifetime: number | undefined;
}

export interface RequestOptions {
  /** Sign with the long-term credentials (default true once credentials are set). */
  sign?: boolean;
  fingerprint?: boolean;
  transactionId?: Buffer;
  timeoutMs?: number;
}

interface Datagram {
  data: Buffer;
  from: RemoteInfo;
}

export class StunClient {
  private readonly queue: Datagram[] = [];
  private waiters: Array<() => void> = [];
  private realm: string | undefined;
  private nonce: string | undefined;

  private constructor(
    readonly socket: Socket,
    readonly server: { address: string; port: number },
    private credentials: { username: string; password: string } | undefined,
  ) {
    socket.on('message', (data, from) => {
      this.queue.push({ data, from });
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
  }

  static async open(
    server: { address: string; port: number } | undefined,
    credentials?: { username: string; password: string },
  ): Promise<StunClient> {
    if (!server) throw new Error('server not started');
    const ipv6 = server.address.includes(':');
    const socket = createSocket(ipv6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, ipv6 ? '::1' : '127.0.0.1', resolve));
    return new StunClient(socket, server, credentials);
  }

  get port(): number {
    return this.socket.address().port;
  }

  setCredentials(credentials: { username: string; password: string }): void {
    this.credentials = credentials;
  }

  sendRaw(data: Buffer, to: { address: string; port: number } = this.server): void {
    this.socket.send(data, to.port, to.address);
  }

  /** The next datagram matching `filter`, or undefined after `timeoutMs`. */
  async next(filter: (d: Datagram) => boolean, timeoutMs = 2000): Promise<Datagram | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.queue.findIndex(filter);
      if (index >= 0) return this.queue.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a request and waits for its response; signs it (after a 401 challenge) when credentials are set. */
  async request(
    method: number,
    attributes: StunAttribute[],
    options: RequestOptions = {},
  ): Promise<Response> {
    const sign = options.sign ?? this.credentials !== undefined;
    if (sign && !this.nonce) {
      const challenge = await this.send(method, attributes, { ...options, sign: false });
      if (challenge.error?.code !== 401) return challenge;
      this.learn(challenge);
    }
    let response = await this.send(method, attributes, { ...options, sign });
    if (sign && response.error?.code === 438) {
      this.learn(response);
      response = await this.send(method, attributes, { ...options, sign });
    }
    return response;
  }

  /** Like request(), but rejects when no response comes. */
  private async send(
    method: number,
    attributes: StunAttribute[],
    options: RequestOptions,
  ): Promise<Response> {
    const response = await this.tryRequest(method, attributes, options);
    if (!response) throw new Error(`no response to method 0x${method.toString(16)}`);
    return response;
  }

  /** Sends once; undefined when nothing answers within the timeout. */
  async tryRequest(
    method: number,
    attributes: StunAttribute[],
    options: RequestOptions = {},
  ): Promise<Response | undefined> {
    const transactionId = options.transactionId ?? randomBytes(12);
    const key = this.key();
    const signed = options.sign && this.credentials && key;
    const all = signed
      ? [
          ...attributes,
          encodeText(Attr.USERNAME, this.credentials?.username ?? ''),
          encodeText(Attr.REALM, this.realm ?? ''),
          encodeText(Attr.NONCE, this.nonce ?? ''),
        ]
      : attributes;
    const datagram = encodeStun(
      { method, klass: StunClass.REQUEST, transactionId, attributes: all },
      { integrityKey: signed ? key : undefined, fingerprint: options.fingerprint },
    );
    this.sendRaw(datagram);
    const reply = await this.next((d) => {
      const decoded = decodeStun(d.data);
      return decoded.ok && decoded.message.transactionId.equals(transactionId);
    }, options.timeoutMs ?? 2000);
    if (!reply) return undefined;
    const decoded = decodeStun(reply.data);
    if (!decoded.ok) throw new Error(decoded.reason);
    return this.describe(decoded.message);
  }

  async allocate(extra: StunAttribute[] = [], options: RequestOptions = {}): Promise<Response> {
    return this.request(
      Method.ALLOCATE,
      [encodeRequestedTransport(TRANSPORT_UDP), ...extra],
      options,
    );
  }

  async createPermission(peer: { address: string; port: number }): Promise<Response> {
    const transactionId = randomBytes(12);
    return this.request(
      Method.CREATE_PERMISSION,
      [encodeXorAddress(Attr.XOR_PEER_ADDRESS, peer.address, peer.port, transactionId)],
      { transactionId },
    );
  }

  async channelBind(channel: number, peer: { address: string; port: number }): Promise<Response> {
    const transactionId = randomBytes(12);
    return this.request(
      Method.CHANNEL_BIND,
      [
        encodeChannelNumber(channel),
        encodeXorAddress(Attr.XOR_PEER_ADDRESS, peer.address, peer.port, transactionId),
      ],
      { transactionId },
    );
  }

  /** A Send indication carrying `data` to `peer`. */
  sendIndication(
    peer: { address: string; port: number },
    data: Buffer,
    extra: StunAttribute[] = [],
  ): void {
    const transactionId = randomBytes(12);
    this.sendRaw(
      encodeStun({
        method: Method.SEND,
        klass: StunClass.INDICATION,
        transactionId,
        attributes: [
          encodeXorAddress(Attr.XOR_PEER_ADDRESS, peer.address, peer.port, transactionId),
          { type: Attr.DATA, value: data },
          ...extra,
        ],
      }),
    );
  }

  close(): void {
    this.socket.close();
  }

  private learn(response: Response): void {
    this.realm = response.attr(Attr.REALM)?.toString('utf8');
    this.nonce = response.attr(Attr.NONCE)?.toString('utf8');
  }

  private key(): Buffer | undefined {
    if (!this.credentials || this.realm === undefined) return undefined;
    return longTermKey(this.credentials.username, this.realm, this.credentials.password);
  }

  private describe(message: StunMessage): Response {
    const attr = (type: number): Buffer | undefined => getAttribute(message, type);
    const errorValue = attr(Attr.ERROR_CODE);
    const unknown = attr(Attr.UNKNOWN_ATTRIBUTES);
    const lifetime = attr(Attr.LIFETIME);
    const key = this.key();
    return {
      message,
      error:
        message.klass === StunClass.ERROR && errorValue ? decodeErrorCode(errorValue) : undefined,
      unknownAttributes: unknown ? decodeUnknownAttributes(unknown) : [],
      integrity: key !== undefined && verifyIntegrity(message, key),
      attr,
      xorAddress: (type) => {
        const value = attr(type);
        return value && decodeXorAddress(value, message.transactionId);
      },
      lifetime: lifetime && decodeUint32(lifetime),
    };
  }
}

/** A plain UDP socket on loopback standing for a TURN peer. */
export async function openPeer(host = '127.0.0.1'): Promise<{
  socket: Socket;
  address: { address: string; port: number };
  received: Buffer[];
  close(): void;
}> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const received: Buffer[] = [];
  socket.on('message', (data) => received.push(data));
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return {
    socket,
    address: { address: host, port: socket.address().port },
    received,
    close: () => socket.close(),
  };
}

export async function waitUntil(
  what: string,
  check: () => boolean,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
