/**
 * How a conference brings sessions back when something fails, so that nobody
 * has to click anything and nobody is dropped silently:
 *
 * - a participant's media connection fails (or never comes up): an ICE
 *   restart, then a new session, then session-terminate `failed-transport`;
 * - the media server (a mediasoup worker) dies: everyone gets a new session;
 * - the link to the XMPP server comes back (Prosody restarted, or the focus
 *   itself restarted with an external Prosody): the focus rejoins the room
 *   and re-invites each person who had a session, as soon as they are in the
 *   room again (by real JID, or by nick after a reconnection gave them a new
 *   JID). People who do not come back within REJOIN_GRACE_MS are forgotten.
 *
 * A new session always follows a session-terminate with `connectivity-error`
 * (docs/protocol.md §7). Every method runs as a step on the conference queue.
 */
import type { JinglePayload, JingleReason, ReasonCondition } from '../jingle';
import { focusTransport } from './media';
import type { Logger } from '../common/logger';
import type { Occupant } from './MucRoom';
import type { Participant } from './Participant';
import type { SavedSession } from './savedSessions';

/** How long an ICE restart may take before the session is replaced. */
const ICE_RESTART_WAIT_MS = 8000;
/** How long the focus waits for people to come back after a restart. */
export const REJOIN_GRACE_MS = 30000;

export interface InviteOptions {
  failures?: number;
  unrequested?: boolean;
}

/** What recovery needs from its conference. */
export interface RecoveryHost {
  readonly log: Logger;
  readonly participants: ReadonlyMap<string, Participant>;
  occupant(nick: string): Occupant | undefined;
  invite(occupant: Occupant, jid: string, options: InviteOptions): Promise<void>;
  endSession(
    p: Participant,
    reason: ReasonCondition,
    text: string,
    options?: { notify?: boolean; closeIfEmpty?: boolean },
  ): Promise<void>;
  terminateSaved(session: SavedSession, reason: JingleReason): void;
  sendJingle(p: Participant, payload: Omit<JinglePayload, 'groups'>): void;
  rejoin(): Promise<void>;
  forgetSfuRoom(): void;
  enqueue(task: () => Promise<void> | void): void;
  closeNow(why: string): Promise<void>;
}

/** Someone who had a session and is expected back. */
interface Awaited extends SavedSession {
  /** The session this process still holds for them, if any. */
  participant?: Participant;
}

export class Recovery {
  readonly #awaited = new Map<string, Awaited>();
  #grace: NodeJS.Timeout | null = null;

  constructor(private readonly host: RecoveryHost) {}

  /** Whether people are expected back (the conference stays open meanwhile). */
  get awaiting(): boolean {
    return this.#awaited.size > 0;
  }

  awaited(): SavedSession[] {
    return [...this.#awaited.values()].map(({ nick, jid, sid }) => ({ nick, jid, sid }));
  }

  // --- a participant's media ---------------------------------------------------------------------

  /** A session's media failed or did not come up: one more step of the ladder. */
  async mediaFailed(p: Participant, failure: 'ice' | 'dtls' | 'timeout'): Promise<void> {
    if (!p.active) return; // ended, or not accepted yet (the accept deadline covers that)
    if (failure === 'timeout' && p.endpoint.connected) return;
    const step = p.nextRecovery(failure);
    p.log.warn('media connection failed', { failure, step });
    if (step === 'ice-restart') {
      await this.restartIce(p);
      p.setDeadline(ICE_RESTART_WAIT_MS, () =>
        this.host.enqueue(() => this.mediaFailed(p, 'timeout')),
      );
    } else if (step === 'reinvite') {
      await this.reinvite(p, 'media connection failed; a new session follows', p.failures + 1);
    } else {
      await this.host.endSession(p, 'failed-transport', 'media connection failed');
    }
  }

  /**
   * New ICE credentials for a participant, sent on every live content
   * (transport-info). `answering` is true when the participant asked for it.
   */
  async restartIce(p: Participant, answering = false): Promise<void> {
    if (!p.active) return;
    const ice = await p.endpoint.restartIce();
    if (!answering) p.iceRestartSent();
    p.log.info('ICE restart', {
      ufrag: ice.usernameFragment,
      by: answering ? 'participant' : 'focus',
    });
    const transport = focusTransport(p.endpoint);
    const names = ['audio', 'video', ...p.received.keys()];
    this.host.sendJingle(p, {
      action: 'transport-info',
      sid: p.sid,
      contents: names.map((name) => ({ name, creator: 'initiator' as const, transport })),
    });
  }

  /** The media server under the conference died: everyone gets a new session. */
  async mediaLost(): Promise<void> {
    const survivors = [...this.host.participants.values()];
    this.host.log.warn('media server lost; re-inviting participants', {
      participants: survivors.length,
    });
    this.host.forgetSfuRoom();
    for (const p of survivors) await this.reinvite(p, 'media server restarted', p.failures);
    if (this.host.participants.size === 0 && !this.awaiting) await this.host.closeNow('empty');
  }

  private async reinvite(p: Participant, text: string, failures: number): Promise<void> {
    await this.host.endSession(p, 'connectivity-error', text, { closeIfEmpty: false });
    const occupant = this.host.occupant(p.nick);
    if (occupant?.realJid === p.jid)
      await this.host.invite(occupant, p.jid, { failures, unrequested: true });
  }

  // --- the link to the XMPP server -----------------------------------------------------------------

  /** The link came back: everyone with a session is awaited in the rejoined room. */
  async linkUp(): Promise<void> {
    for (const p of this.host.participants.values())
      this.await({ nick: p.nick, jid: p.jid, sid: p.sid, participant: p });
    if (this.awaiting) await this.rejoin();
    else await this.host.closeNow('nobody had a session when the link dropped');
  }

  /** The focus restarted: the people of the saved state are awaited in the rejoined room. */
  async resume(sessions: SavedSession[]): Promise<void> {
    for (const s of sessions) this.await(s);
    await this.rejoin();
  }

  private async rejoin(): Promise<void> {
    if (!this.awaiting) return;
    this.host.log.info('rejoining the room', { awaited: this.#awaited.size });
    this.#grace ??= setTimeout(() => this.host.enqueue(() => this.graceOver()), REJOIN_GRACE_MS);
    try {
      await this.host.rejoin();
    } catch (error) {
      this.host.log.warn('cannot rejoin the room', { error });
      await this.host.closeNow('cannot rejoin the room');
    }
  }

  private await(entry: Awaited): void {
    this.#awaited.set(entry.nick, entry);
  }

  /** Someone entered the room: a person the focus awaits gets a session again. */
  async occupantJoined(o: Occupant): Promise<void> {
    const entry = this.#awaited.get(o.nick);
    if (!entry) return;
    this.#awaited.delete(o.nick);
    const p = entry.participant;
    const sameJid = o.realJid === entry.jid;
    if (p && p.state !== 'ended' && sameJid && !p.endpoint.closed) {
      // Only the link dropped; this session and its media are still good.
      p.updateOccupant(o);
      p.log.info('still in the room after the link came back');
    } else {
      const text = 'the focus reconnected; a new session follows';
      if (p)
        await this.host.endSession(p, 'connectivity-error', text, {
          notify: sameJid,
          closeIfEmpty: false,
        });
      else if (sameJid) this.host.terminateSaved(entry, { condition: 'connectivity-error', text });
      if (o.realJid) await this.host.invite(o, o.realJid, { unrequested: true });
    }
    if (!this.awaiting) this.clearGrace();
  }

  /** A person asked for the conference themselves: the request gives them their session. */
  async requested(nick: string): Promise<void> {
    const entry = this.#awaited.get(nick);
    if (!entry) return;
    this.#awaited.delete(nick);
    if (entry.participant)
      await this.host.endSession(
        entry.participant,
        'success',
        'replaced by a new conference request',
        {
          notify: false,
          closeIfEmpty: false,
        },
      );
    if (!this.awaiting) this.clearGrace();
  }

  private async graceOver(): Promise<void> {
    this.#grace = null;
    const missing = [...this.#awaited.values()];
    this.#awaited.clear();
    if (missing.length)
      this.host.log.info('not back after the restart', {
        nicks: missing.map((m) => m.nick).join(','),
      });
    for (const entry of missing) {
      if (entry.participant)
        await this.host.endSession(entry.participant, 'gone', 'did not come back', {
          notify: false,
          closeIfEmpty: false,
        });
    }
    if (this.host.participants.size === 0) await this.host.closeNow('nobody came back');
  }

  private clearGrace(): void {
    if (this.#grace) clearTimeout(this.#grace);
    this.#grace = null;
  }

  /** The conference closed. */
  stop(): void {
    this.clearGrace();
    this.#awaited.clear();
  }
}
