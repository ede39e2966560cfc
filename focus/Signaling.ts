/**
 * Sends the focus's Jingle IQs to participants and waits for their
 * acknowledgement (every request has a timeout). One home for turning the
 * Jingle model into stanzas on the focus side.
 */
import xml from '@xmpp/xml';
import { serializeJingle, type JinglePayload, type JingleReason } from '../jingle';
import type { ComponentConnection } from '../component/ComponentConnection';

export class Signaling {
  /** Stanzas the focus sent, for the join-cost figures. */
  sentStanzas = 0;

  constructor(
    private readonly component: Pick<ComponentConnection, 'request' | 'send'>,
    /** The focus's own full JID, the Jingle initiator. */
    readonly focusJid: string,
    private readonly timeoutMs: number,
  ) {}

  /** Sends a Jingle IQ-set; resolves on the result, rejects on an error reply or timeout. */
  async jingle(to: string, payload: JinglePayload): Promise<void> {
    this.sentStanzas++;
    await this.component.request(
      xml('iq', { type: 'set', to, from: this.focusJid }, serializeJingle(payload)),
      this.timeoutMs,
    );
  }

  /** Sends session-terminate; a failure is ignored (the session is over either way). */
  terminate(to: string, sid: string, reason: JingleReason): void {
    this.jingle(to, { action: 'session-terminate', sid, contents: [], groups: [], reason }).catch(
      () => {},
    );
  }

  countSent(): void {
    this.sentStanzas++;
  }
}
