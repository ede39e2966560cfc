/**
 * Routes XEP-0353 messages and Jingle IQs to the 1:1 calls they belong to,
 * and turns a proposal for an unknown id into an incoming call. A user in a
 * call who is rung again answers busy. A proposal that bounces (no such
 * user, unreachable server) ends its call; an old proposal delivered late
 * from offline storage does not ring.
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
import { OneToOneCall, type CallLink, type CallMedia, type CallTimeouts } from './OneToOneCall';

const NS_DELAY = 'urn:xmpp:delay';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export type CallRouterEvents = {
  /** Someone rings us; accept() or decline() it. */
  incoming: [OneToOneCall];
};

export interface CallRouterOptions extends CallTimeouts {
  /** A proposal delivered later than this after it was sent (offline storage) does not ring. */
  maxProposalAgeMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export class CallRouter extends TypedEmitter<CallRouterEvents> {
  readonly calls = new Map<string, OneToOneCall>();

  constructor(
    private readonly link: CallLink,
    /** Media for a new call (our tracks and a peer connection factory). */
    private readonly media: (kinds: MediaKind[]) => CallMedia,
    private readonly options: CallRouterOptions = {},
  ) {
    super();
  }

  /** Places a call to `to` (bare JID). */
  async call(to: string, kinds: MediaKind[], media?: CallMedia): Promise<OneToOneCall> {
    const call = await OneToOneCall.propose(
      this.link,
      media ?? this.media(kinds),
      to,
      kinds,
      undefined,
      this.options,
    );
    this.track(call);
    return call;
  }

  /** Whether a call is going on (ringing, connecting or active). */
  get busy(): boolean {
    return [...this.calls.values()].some((c) => c.state !== 'ended');
  }

  /** Feeds a message; true when it was about a call. */
  handleMessage(message: Element): boolean {
    if (message.attrs.type === 'error') return this.bounced(message);
    const parsed = parseJmi(message);
    if (!parsed || !parsed.ok) return parsed !== null;
    const m = parsed.value;
    const from = message.attrs.from ?? '';
    const call = this.calls.get(m.id);
    if (call) {
      void call.onMessage(from, m);
      return true;
    }
    if (m.action !== 'propose' || !from.includes('/') || this.stale(message)) return true;
    const busy = this.busy;
    void (async () => {
      const incoming = await OneToOneCall.incoming(
        this.link,
        this.media(m.media),
        from,
        m,
        this.options,
      );
      this.track(incoming);
      if (busy) await incoming.decline({ condition: 'busy' });
      else this.emit('incoming', incoming);
    })().catch(() => {});
    return true;
  }

  /** Feeds a Jingle IQ payload; null when no call of ours has that sid. */
  handleJingle(from: string, payload: JinglePayload): Promise<Result<void, JingleError>> | null {
    return this.calls.get(payload.sid)?.onJingle(from, payload) ?? null;
  }

  /** An error bounce of our proposal (its message id is the call id). */
  private bounced(message: Element): boolean {
    const call = this.calls.get(message.attrs.id ?? '');
    if (!call) return parseJmi(message) !== null;
    const error = message.getChild('error');
    const condition = error?.getChildElements().find((c) => c.attrs.xmlns === NS_STANZAS)?.name;
    const text = error?.getChildText('text', NS_STANZAS);
    call.unreachable(text || condition || 'unreachable');
    return true;
  }

  /** A proposal stamped (XEP-0203) long ago: the caller has given up by now. */
  private stale(message: Element): boolean {
    const stamp = message.getChild('delay', NS_DELAY)?.attrs.stamp;
    if (!stamp) return false;
    const sent = Date.parse(stamp);
    const now = (this.options.now ?? Date.now)();
    return Number.isFinite(sent) && now - sent > (this.options.maxProposalAgeMs ?? 45000);
  }

  private track(call: OneToOneCall): void {
    this.calls.set(call.id, call);
    // Keep ended calls a while, so late messages about them are recognised.
    call.once('ended', () => {
      const timer = setTimeout(() => this.calls.delete(call.id), 60000);
      (timer as { unref?: () => void }).unref?.();
    });
  }
}
