/**
 * One offer of ours (content-add, ICE restart) waiting for the other
 * party's answer, with a timeout, and the remote payloads held back
 * meanwhile so that two offers never cross (XEP-0166 §7.2: as the responder,
 * we let the initiator answer ours first). Used by JinglePeer.
 */
import type { JinglePayload } from '../jingle';

export type OfferKind = 'content' | 'restart';

export class OfferGate<Held> {
  private pending: { kind: OfferKind; timer: ReturnType<typeof setTimeout> } | null = null;
  private held: Held[] = [];

  constructor(
    private readonly timeoutMs: number,
    /** The answer did not come in time; the held payloads are given back to run. */
    private readonly onTimeout: (released: Held[]) => void,
  ) {}

  /** Our offer went out. */
  open(kind: OfferKind): void {
    clearTimeout(this.pending?.timer);
    const timer = setTimeout(() => {
      if (this.pending?.timer === timer) this.onTimeout(this.settle());
    }, this.timeoutMs);
    this.pending = { kind, timer };
  }

  get waiting(): boolean {
    return this.pending !== null;
  }

  /** Whether a remote action must wait for our offer's answer. */
  holds(action: JinglePayload['action']): boolean {
    return this.pending !== null && !passesPendingOffer(action);
  }

  hold(item: Held): void {
    this.held.push(item);
  }

  /** Whether this remote action answers our pending offer. */
  answers(action: JinglePayload['action']): boolean {
    if (!this.pending) return false;
    return this.pending.kind === 'content'
      ? action === 'content-accept' || action === 'content-reject'
      : action === 'transport-info';
  }

  /** Our offer is answered (or failed): returns the held payloads, to run now. */
  settle(): Held[] {
    clearTimeout(this.pending?.timer);
    this.pending = null;
    return this.held.splice(0);
  }
}

/** What may go ahead while an offer of ours waits: its answer, and what makes no offer. */
function passesPendingOffer(action: JinglePayload['action']): boolean {
  return (
    action === 'content-accept' ||
    action === 'content-reject' ||
    action === 'transport-info' ||
    action === 'session-terminate' ||
    action === 'session-info'
  );
}
