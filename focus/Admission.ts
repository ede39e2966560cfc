/**
 * Who gets into a conference: the focus joins the room (never creating it
 * for a request: the requester must already be in it), waits a moment for
 * the requester's room presence, and admits occupants up to
 * `focus.max-participants`. A conference that nobody inside asked for closes
 * at once, so requests from outside create nothing.
 */
import { StanzaError } from '../component/StanzaError';
import type { FocusConfig } from './config';
import type { MucRoom, Occupant } from './MucRoom';
import type { Participant } from './Participant';
import type { RecoveryHost } from './Recovery';

export const conferenceEnded = (): StanzaError =>
  new StanzaError('item-not-found', 'the conference has ended; request it again');

/** What admission needs from its conference. */
export interface AdmissionHost {
  readonly room: string;
  readonly closed: boolean;
  readonly participants: ReadonlyMap<string, Participant>;
  /** People are awaited back after a restart (the conference stays open). */
  readonly awaiting: boolean;
  /** Runs `task` as a conference step, or answers `ifClosed`. */
  onQueue<T>(task: () => Promise<T>, ifClosed: () => T): Promise<T>;
  enqueue(task: () => Promise<void> | void): void;
  /** A person asked themselves: they are no longer awaited. */
  requested(nick: string): Promise<void>;
  invite(occupant: Occupant, jid: string): Promise<void>;
  endSession: RecoveryHost['endSession'];
  close(why: string): Promise<void>;
  closeNow(why: string): Promise<void>;
}

export class Admission {
  #joined: Promise<void> | null = null;
  /** Requests being handled now. */
  #requests = 0;

  constructor(
    private readonly host: AdmissionHost,
    private readonly muc: MucRoom,
    private readonly config: FocusConfig,
  ) {}

  /** Joins the room; `create` false refuses a room that does not exist yet. */
  joinRoom(create: boolean): Promise<void> {
    this.#joined ??= this.join(create);
    return this.#joined;
  }

  private async join(create: boolean): Promise<void> {
    const timeout = this.config.requestTimeoutMs;
    if (!create && !(await this.muc.exists(timeout))) {
      throw new StanzaError('not-allowed', `nobody is in ${this.host.room}; join the room first`);
    }
    try {
      await this.muc.join(timeout);
    } catch (error) {
      if (!(error instanceof StanzaError)) throw error;
      const why = `${error.condition}${error.text ? ` (${error.text})` : ''}`;
      throw new StanzaError(
        error.condition === 'item-not-found' ? 'item-not-found' : 'not-allowed',
        `the focus cannot join ${this.host.room}: ${why}`,
      );
    }
  }

  /** A conference request from `requester`: (re)invites it, or says why not. */
  async request(requester: string): Promise<StanzaError | null> {
    this.#requests++;
    try {
      try {
        await this.joinRoom(false);
      } catch (error) {
        await this.host.close('the room cannot be joined');
        if (error instanceof StanzaError) return error;
        throw error;
      }
      const occupant = await this.waitForOccupant(requester);
      return await this.host.onQueue(() => this.admit(requester, occupant), conferenceEnded);
    } finally {
      this.#requests--;
    }
  }

  private async admit(
    requester: string,
    occupant: Occupant | undefined,
  ): Promise<StanzaError | null> {
    const host = this.host;
    if (host.closed) return conferenceEnded();
    if (!occupant) {
      if (host.participants.size === 0 && this.#requests <= 1 && !host.awaiting)
        await host.closeNow('nobody in the room asked for it');
      return new StanzaError(
        'not-allowed',
        `${requester} is not an occupant of ${host.room}; join the room first`,
      );
    }
    await host.requested(occupant.nick);
    const existing = [...host.participants.values()].find((p) => p.jid === requester);
    // The focus's own invitation (after a restart) is on its way: that is the session asked for.
    if (existing?.unrequested && existing.state === 'inviting') return null;
    if (existing) {
      const text = 'replaced by a new conference request';
      await host.endSession(existing, 'success', text, { closeIfEmpty: false });
    }
    const max = this.config.maxParticipants;
    if (host.participants.size >= max)
      return new StanzaError('resource-constraint', `${host.room} is full (${max} participants)`);
    // Invite after the IQ result leaves: clients expect ready first.
    setImmediate(() => host.enqueue(() => host.invite(occupant, requester)));
    return null;
  }

  private async waitForOccupant(realJid: string): Promise<Occupant | undefined> {
    const muc = this.muc;
    const known = muc.occupantByRealJid(realJid);
    if (known || this.config.occupantWaitMs === 0) return known;
    return new Promise((resolve) => {
      const onJoined = (o: Occupant): void => {
        if (o.realJid !== realJid) return;
        clearTimeout(timer);
        muc.off('joined', onJoined);
        resolve(o);
      };
      const timer = setTimeout(() => {
        muc.off('joined', onJoined);
        resolve(muc.occupantByRealJid(realJid));
      }, this.config.occupantWaitMs);
      muc.on('joined', onJoined);
    });
  }
}
