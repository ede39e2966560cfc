/**
 * Routes XEP-0353 messages and Jingle IQs to the 1:1 calls they belong to,
 * and turns a proposal for an unknown id into an incoming call. A user in a
 * call who is rung again answers busy.
 */
import type { Element } from '@xmpp/xml';
import {
  parseJmi,
  type JingleError,
  type JinglePayload,
  type MediaKind,
  type Result,
} from '../jingle';
import { TypedEmitter } from '../common/TypedEmitter';
import { OneToOneCall, type CallLink, type CallMedia } from './OneToOneCall';

export type CallRouterEvents = {
  /** Someone rings us; accept() or decline() it. */
  incoming: [OneToOneCall];
};

export class CallRouter extends TypedEmitter<CallRouterEvents> {
  readonly calls = new Map<string, OneToOneCall>();

  constructor(
    private readonly link: CallLink,
    /** Media for a new call (our tracks and a peer connection factory). */
    private readonly media: (kinds: MediaKind[]) => CallMedia,
  ) {
    super();
  }

  /** Places a call to `to` (bare JID). */
  async call(to: string, kinds: MediaKind[]): Promise<OneToOneCall> {
    const call = await OneToOneCall.propose(this.link, this.media(kinds), to, kinds);
    this.track(call);
    return call;
  }

  /** Feeds a message; true when it was about a call. */
  handleMessage(message: Element): boolean {
    const parsed = parseJmi(message);
    if (!parsed || !parsed.ok) return parsed !== null;
    const m = parsed.value;
    const from = message.attrs.from ?? '';
    const call = this.calls.get(m.id);
    if (call) {
      void call.onMessage(from, m);
      return true;
    }
    if (m.action !== 'propose' || !from.includes('/')) return true;
    void (async () => {
      const busy = [...this.calls.values()].some((c) => c.state !== 'ended');
      const incoming = await OneToOneCall.incoming(this.link, this.media(m.media), from, m);
      this.track(incoming);
      if (busy) await incoming.decline({ condition: 'busy' });
      else this.emit('incoming', incoming);
    })().catch(() => {});
    return true;
  }

  /** Feeds a Jingle IQ payload; null when no call of ours has that sid. */
  handleJingle(from: string, payload: JinglePayload): Result<void, JingleError> | null {
    return this.calls.get(payload.sid)?.onJingle(from, payload) ?? null;
  }

  private track(call: OneToOneCall): void {
    this.calls.set(call.id, call);
    // Keep ended calls a while, so late messages about them are recognised.
    call.once('ended', () => setTimeout(() => this.calls.delete(call.id), 60000).unref?.());
  }
}
