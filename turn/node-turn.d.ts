/**
 * Types for the parts of node-turn 0.0.6 (plain JavaScript, pinned exactly in
 * package.json) that turn/ uses. Only what Confab touches is declared;
 * turn/nodeTurn.ts is the one module that imports these.
 */

declare module 'node-turn/lib/address' {
  class Address {
    constructor(address: string, port: number);
    family: number;
    address: string;
    port: number;
    toString(): string;
  }
  export = Address;
}

declare module 'node-turn/lib/transport' {
  import type { Socket } from 'node:dgram';
  import Address from 'node-turn/lib/address';
  class Transport {
    constructor(protocol: number, src: Address, dst: Address, socket: Socket);
    protocol: number;
    src: Address;
    dst: Address;
    socket: Socket;
    get5Tuple(): string;
  }
  export = Transport;
}

declare module 'node-turn/lib/user' {
  class User {
    constructor(username: string, password: string);
    username: string;
    password: string;
  }
  export = User;
}

declare module 'node-turn/lib/message' {
  import Transport from 'node-turn/lib/transport';
  import User from 'node-turn/lib/user';
  import type Allocation from 'node-turn/lib/allocation';
  import type Server from 'node-turn';
  class Message {
    constructor(server: Server, transport: Transport);
    transport: Transport;
    allocation: Allocation | null;
    class: number;
    method: number;
    /** Hex string. */
    transactionID: string;
    user: User | null;
    useFingerprint: boolean;
    /** False when the datagram is not STUN; throws on malformed attributes. */
    read(datagram: Buffer): boolean;
    reply(): Message;
    getAttribute(name: string): unknown;
    addAttribute(name: string, value?: unknown): void;
    setUser(user: User): void;
    resolve(): void;
    reject(code: number, reason: string): void;
    discard(): void;
  }
  export = Message;
}

declare module 'node-turn/lib/attribute' {
  import type Message from 'node-turn/lib/message';
  class Attribute {
    constructor(msg: Message, name?: string, value?: unknown);
    msg: Message;
    name: string | null;
    type: number | null;
    length: number;
    padding: number;
    value: unknown;
    read(data: Buffer): void;
  }
  export = Attribute;
}

declare module 'node-turn/lib/allocation' {
  import type { Socket } from 'node:dgram';
  import Address from 'node-turn/lib/address';
  import type Message from 'node-turn/lib/message';
  import type Transport from 'node-turn/lib/transport';
  import type User from 'node-turn/lib/user';
  class Allocation {
    constructor(msg: Message, sockets: Socket[], lifetime: number);
    transactionID: string;
    transport: Transport;
    fiveTuple: string;
    user: User;
    sockets: Socket[];
    relayedTransportAddress: Address;
    mappedAddress: Address;
    lifetime: number;
    /** Peer IP address -> expiry (ms since epoch). */
    permissions: Record<string, number | undefined>;
    /** Channel number -> peer transport address. */
    channelBindings: Record<string, Address | undefined>;
    timer: ReturnType<typeof setTimeout>;
    permit(address: string): void;
  }
  export = Allocation;
}

declare module 'node-turn' {
  import { EventEmitter } from 'node:events';
  import type Allocation from 'node-turn/lib/allocation';
  import type Message from 'node-turn/lib/message';

  interface NodeTurnOptions {
    listeningIps?: string[];
    relayIps?: string[];
    externalIps?: string | Record<string, string>;
    listeningPort?: number;
    minPort?: number;
    maxPort?: number;
    maxAllocateLifetime?: number;
    defaultAllocatetLifetime?: number;
    authMech?: 'none' | 'short-term' | 'long-term';
    realm?: string;
    credentials?: Record<string, string | undefined>;
    debugLevel?: string;
    debug?: (level: string, message: unknown) => void;
    log?: (message: unknown) => void;
  }

  class Server extends EventEmitter {
    constructor(options: NodeTurnOptions);
    software: string;
    realm: string;
    allocations: Record<string, Allocation | undefined>;
    authentification: {
      credentials: Record<string, string | undefined>;
      generateNonce(): string;
      checkNonce(nonce: string): boolean;
    };
    createPermission: { createPermission(msg: Message, reply: Message): void };
    channelBind: { channelBind(msg: Message, reply: Message): void };
  }
  export = Server;
}
