/**
 * The one place IQ requests become replies (RFC 6120 §8.2.3). A handler
 * receives the request and returns a payload element, DONE (an empty result)
 * or a StanzaError; a handler that throws yields internal-server-error and is
 * logged with the request's context. Requests nobody handles get
 * service-unavailable, malformed ones bad-request (exactly one payload
 * child). Errors and results are never answered.
 *
 * Error replies carry the error only, never the request's payload: echoing
 * it would send back whatever a peer sent, however large or deep. Incoming
 * stanzas nested deeper than MAX_DEPTH are refused before anything reads
 * them (an IQ request gets bad-request; anything else is dropped).
 */
import xml, { type Element } from '@xmpp/xml';
import type { IncomingContext, Middleware } from '@xmpp/connection';
import type { JID } from '@xmpp/jid';
import { createLogger } from '../common/logger';
import { TypedEmitter } from '../common/TypedEmitter';
import { StanzaError } from './StanzaError';

const log = createLogger('component:iq');

/** Deepest element nesting accepted, counting the stanza itself (Jingle needs about 7). */
export const MAX_DEPTH = 32;

export const DONE = Symbol('done');
export type IqResult = Element | typeof DONE | StanzaError;

export interface IqRequest {
  type: 'get' | 'set';
  from: JID;
  to: JID;
  id: string;
  /** The IQ's single payload child. */
  payload: Element;
  stanza: Element;
}

export type IqHandler = (request: IqRequest) => Promise<IqResult> | IqResult;

export type IqRouterEvents = {
  /** A request was answered: its payload, how long it took, and the error condition if any. */
  handled: [{ payload: string; seconds: number; condition: string | undefined }];
};

/** Whether an element nests deeper than `max` levels (iterative: deep input must not blow the stack). */
export function deeperThan(root: Element, max: number): boolean {
  const stack: [Element, number][] = [[root, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [element, depth] = next;
    if (depth > max) return true;
    for (const child of element.children) {
      if (typeof child !== 'string') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export class IqRouter extends TypedEmitter<IqRouterEvents> {
  private readonly handlers = new Map<string, IqHandler>();

  /** The guard runs before anything else reads a stanza; the router answers IQ requests. */
  constructor(middleware: { use(fn: Middleware): void }) {
    super();
    middleware.use((ctx, next) => this.guard(ctx, next));
    middleware.use((ctx, next) => this.route(ctx, next));
  }

  get(xmlns: string, name: string, handler: IqHandler): void {
    this.handlers.set(`get ${xmlns} ${name}`, handler);
  }

  set(xmlns: string, name: string, handler: IqHandler): void {
    this.handlers.set(`set ${xmlns} ${name}`, handler);
  }

  private guard(ctx: IncomingContext, next: () => Promise<unknown>): unknown {
    if (!deeperThan(ctx.stanza, MAX_DEPTH)) return next();
    log.warn('stanza nested too deep', { from: ctx.from?.toString(), name: ctx.name });
    if (!isRequest(ctx.stanza)) return undefined;
    return reply(
      ctx.stanza,
      new StanzaError('bad-request', `elements nested deeper than ${MAX_DEPTH} levels`),
    );
  }

  private async route(ctx: IncomingContext, next: () => Promise<unknown>): Promise<unknown> {
    const stanza = ctx.stanza;
    if (!isRequest(stanza)) return next();
    const children = stanza.getChildElements();
    const payload = children[0];
    if (!payload || children.length !== 1)
      return reply(stanza, new StanzaError('bad-request', 'an IQ request has exactly one payload'));
    const type = stanza.attrs.type as 'get' | 'set';
    const handler = this.handlers.get(`${type} ${payload.attrs.xmlns} ${payload.name}`);
    const started = performance.now();
    let result: IqResult;
    if (!handler) {
      result = new StanzaError('service-unavailable');
    } else {
      try {
        result = await handler({ type, from: ctx.from, to: ctx.to, id: ctx.id, payload, stanza });
      } catch (error) {
        log.error('IQ handler failed', {
          from: ctx.from?.toString(),
          payload: payload.name,
          xmlns: payload.attrs.xmlns,
          action: payload.attrs.action,
          sid: payload.attrs.sid,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        result = new StanzaError('internal-server-error');
      }
    }
    this.emit('handled', {
      // Only known payloads name a series: a peer must not create metrics at will.
      payload: handler ? payload.name : 'unhandled',
      seconds: (performance.now() - started) / 1000,
      condition: result instanceof StanzaError ? result.condition : undefined,
    });
    return reply(stanza, result);
  }
}

function isRequest(stanza: Element): boolean {
  return stanza.name === 'iq' && (stanza.attrs.type === 'get' || stanza.attrs.type === 'set');
}

/** The reply to an IQ request: a result (with the payload, if any) or an error without echo. */
function reply(request: Element, result: IqResult): Element {
  const attrs = { to: request.attrs.from, from: request.attrs.to, id: request.attrs.id };
  if (result instanceof StanzaError)
    return xml('iq', { ...attrs, type: 'error' }, result.toElement());
  return xml('iq', { ...attrs, type: 'result' }, result === DONE ? null : result);
}
