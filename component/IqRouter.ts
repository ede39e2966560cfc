/**
 * The one place IQ requests become replies. A handler receives the request and
 * returns a payload element, DONE (an empty result) or a StanzaError; a
 * handler that throws yields internal-server-error and is logged. Requests
 * nobody handles get service-unavailable, malformed ones bad-request (RFC 6120
 * §8.2.3: exactly one payload child). Errors and results are never answered.
 */
import type { Element } from '@xmpp/xml';
import type { IncomingContext, XmppEntity } from '@xmpp/connection';
import type { JID } from '@xmpp/jid';
import { createLogger } from '../common/logger';
import { StanzaError } from './StanzaError';

const log = createLogger('component:iq');

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

export class IqRouter {
  constructor(private readonly entity: XmppEntity) {}

  get(xmlns: string, name: string, handler: IqHandler): void {
    this.entity.iqCallee.get(xmlns, name, (ctx) => this.dispatch(ctx, 'get', handler));
  }

  set(xmlns: string, name: string, handler: IqHandler): void {
    this.entity.iqCallee.set(xmlns, name, (ctx) => this.dispatch(ctx, 'set', handler));
  }

  private async dispatch(
    ctx: IncomingContext,
    type: 'get' | 'set',
    handler: IqHandler,
  ): Promise<Element | true> {
    const payload = ctx.element;
    if (!payload) return new StanzaError('bad-request', 'IQ without payload').toElement();
    let result: IqResult;
    try {
      result = await handler({
        type,
        from: ctx.from,
        to: ctx.to,
        id: ctx.id,
        payload,
        stanza: ctx.stanza,
      });
    } catch (error) {
      log.error('IQ handler failed', {
        from: ctx.from?.toString(),
        xmlns: payload.attrs.xmlns,
        error,
      });
      result = new StanzaError('internal-server-error');
    }
    if (result === DONE) return true;
    if (result instanceof StanzaError) return result.toElement();
    return result;
  }
}
