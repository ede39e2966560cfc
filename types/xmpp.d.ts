// Type declarations for the parts of xmpp.js 0.13 (and its ltx elements) that
// Confab uses. xmpp.js 0.13 ships no types of its own.

declare module '@xmpp/xml' {
  export type Attrs = Record<string, string | number | undefined>;
  export type Node = Element | string;

  export class Element {
    constructor(name: string, attrs?: Attrs);
    name: string;
    attrs: Record<string, string>;
    children: Node[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string, xmlns?: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getText(): string;
    getChildText(name: string, xmlns?: string): string | null;
    root(): Element;
    up(): Element;
    c(name: string, attrs?: Attrs): Element;
    cnode(child: Element): Element;
    append(...nodes: (Node | undefined | null)[]): void;
    prepend(...nodes: Node[]): void;
    t(text: string): Element;
    text(value?: string): string;
    attr(name: string, value?: string | number | null): string | undefined;
    remove(el: Element | string, xmlns?: string): Element;
    toString(): string;
  }

  export class XMLError extends Error {}

  export class Parser {
    constructor();
    on(event: 'element' | 'start' | 'end', listener: (el: Element) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    write(data: string): void;
    end(data?: string): void;
  }

  export function createElement(
    name: string,
    attrs?: Attrs | null,
    ...children: (Node | Node[] | undefined | null | false)[]
  ): Element;
  export function escapeXML(s: string): string;
  export function escapeXMLText(s: string): string;

  function xml(
    name: string,
    attrs?: Attrs | null,
    ...children: (Node | Node[] | undefined | null | false)[]
  ): Element;
  export default xml;
}

declare module '@xmpp/jid' {
  export class JID {
    constructor(local: string | null | undefined, domain: string, resource?: string | null);
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    equals(other: JID): boolean;
    getLocal(unescape?: boolean): string;
    getDomain(): string;
    getResource(): string;
    toString(unescape?: boolean): string;
  }
  function jid(address: string): JID;
  function jid(local: string | null | undefined, domain: string, resource?: string | null): JID;
  export { jid };
  export function parse(address: string): JID;
  export function equal(a: JID, b: JID): boolean;
  export default jid;
}

declare module '@xmpp/connection' {
  import type { Element } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';

  export type Status =
    | 'offline'
    | 'connecting'
    | 'connect'
    | 'opening'
    | 'open'
    | 'online'
    | 'closing'
    | 'close'
    | 'disconnecting'
    | 'disconnect';

  export interface IncomingContext {
    stanza: Element;
    entity: XmppEntity;
    name: string;
    id: string;
    type: string;
    from: JID;
    to: JID;
    local: string;
    domain: string;
    resource: string;
    element?: Element;
  }

  export type Middleware = (
    ctx: IncomingContext,
    next: () => Promise<unknown>,
  ) => Promise<unknown> | unknown;

  export interface IqCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    get(element: Element, to?: string, timeout?: number): Promise<Element>;
    set(element: Element, to?: string, timeout?: number): Promise<Element>;
  }

  export interface IqCallee {
    get(ns: string, name: string, handler: Middleware): void;
    set(ns: string, name: string, handler: Middleware): void;
  }

  export interface Reconnect {
    delay: number;
    stop(): void;
    on(event: 'reconnecting' | 'reconnected', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }

  export interface XmppEntity {
    jid: JID | null;
    status: Status;
    timeout: number;
    start(): Promise<JID>;
    stop(): Promise<void>;
    disconnect(timeout?: number): Promise<void>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    write(data: string): Promise<void>;
    on(
      event: 'stanza' | 'element' | 'nonza' | 'open' | 'send',
      listener: (el: Element) => void,
    ): this;
    on(event: 'online', listener: (jid: JID) => void): this;
    on(event: 'offline' | 'disconnect', listener: () => void): this;
    on(event: 'error', listener: (err: Error & { condition?: string }) => void): this;
    on(event: 'status', listener: (status: Status, value?: unknown) => void): this;
    on(event: 'input' | 'output', listener: (data: string) => void): this;
    once(event: string, listener: (...args: unknown[]) => void): this;
    off(event: string, listener: (...args: never[]) => void): this;
    removeAllListeners(event?: string): this;
    reconnect: Reconnect;
    middleware: { use(fn: Middleware): void; filter(fn: Middleware): void };
    iqCaller: IqCaller;
    iqCallee: IqCallee;
    socket?: {
      destroy?(): void;
      end?(): void;
      close?(): void;
      setNoDelay?(noDelay?: boolean): unknown;
      cork?(): void;
      uncork?(): void;
    } | null;
  }
}

declare module '@xmpp/component' {
  import type { XmppEntity } from '@xmpp/connection';
  import xmlDefault from '@xmpp/xml';
  import jidDefault from '@xmpp/jid';
  export const xml: typeof xmlDefault;
  export const jid: typeof jidDefault;
  export type Component = XmppEntity;
  export function component(options: {
    service: string;
    domain: string;
    password: string;
  }): Component;
}

// The parts a component is assembled from (see component/ComponentConnection.ts).
declare module '@xmpp/component-core' {
  import type { XmppEntity } from '@xmpp/connection';
  export type ComponentEntity = Omit<
    XmppEntity,
    'reconnect' | 'middleware' | 'iqCaller' | 'iqCallee'
  > & {
    authenticate(id: string, password: string): Promise<void>;
    emit(event: string, ...args: unknown[]): boolean;
  };
  export const Component: new (options: { service: string; domain: string }) => ComponentEntity;
}

declare module '@xmpp/middleware' {
  import type { Middleware } from '@xmpp/connection';
  export interface Middlewares {
    use(fn: Middleware): void;
    filter(fn: Middleware): void;
  }
  export default function middleware(options: { entity: unknown }): Middlewares;
}

declare module '@xmpp/reconnect' {
  import type { Reconnect } from '@xmpp/connection';
  export default function reconnect(options: { entity: unknown }): Reconnect;
}

declare module '@xmpp/iq/caller' {
  import type { IqCaller } from '@xmpp/connection';
  export default function iqCaller(options: { entity: unknown; middleware: unknown }): IqCaller;
}

declare module '@xmpp/client' {
  import type { XmppEntity } from '@xmpp/connection';
  import xmlDefault from '@xmpp/xml';
  import jidDefault from '@xmpp/jid';
  export const xml: typeof xmlDefault;
  export const jid: typeof jidDefault;
  export type Client = XmppEntity & {
    streamManagement?: { enabled: boolean };
  };
  export function client(options: {
    service: string;
    domain?: string;
    resource?: string;
    username?: string;
    password?: string;
    credentials?: unknown;
    timeout?: number;
  }): Client;
}
