/**
 * The conference of one MUC room: who is in a session with the focus. It
 * coordinates: Admission lets people in, Participant holds per-person state,
 * Forwarding moves tracks, JingleActions answers Jingle, Recovery brings
 * sessions back after failures, the SFU carries media. Every step for the
 * room, closing included, runs on one serial queue, so nothing interleaves.
 * The focus talks to it only through its public methods and events.
 */
import { randomBytes } from 'node:crypto';
import type { JinglePayload, JingleReason, ReasonCondition } from '../jingle';
import { createLogger, type Logger } from '../common/logger';
import { errorMessage } from '../common/errors';
import { SerialQueue } from '../common/SerialQueue';
import { TypedEmitter } from '../common/TypedEmitter';
import type { IqResult } from '../component/IqRouter';
import { StanzaError } from '../component/StanzaError';
import { unknownSession } from '../component/jingleErrors';
import type { LayerConstraint } from '../client/focusProtocol';
import { Speaker } from './Speaker';
import type { FocusConfig } from './config';
import type { MucRoom, Occupant } from './MucRoom';
import { Participant } from './Participant';
import type { Signaling } from './Signaling';
import { Forwarding } from './Forwarding';
import { handleJingle } from './JingleActions';
import { applyReceiveConstraints } from './ReceiveConstraints';
import { Recovery, type InviteOptions } from './Recovery';
import { Admission } from './Admission';
import type { SavedSession } from './savedSessions';
import type { Sfu, SfuRoom } from './sfu/Sfu';
import { focusTransport, ownContents } from './media';

/** How long an invited participant has to send session-accept. */
const ACCEPT_TIMEOUT_MS = 30000;
/** How long media may take to connect after session-accept before recovery starts. */
const CONNECT_TIMEOUT_MS = 20000;

export interface ConferenceDeps {
  sfu: Sfu;
  muc: MucRoom;
  signaling: Signaling;
  config: FocusConfig;
}

export type ConferenceEvents = {
  /** A session started or ended (the focus indexes sessions by sid). */
  session: [sid: string, change: 'started' | 'ended'];
  /** A participant's media connected for the first time, `seconds` after its invitation. */
  connected: [seconds: number];
  /** Who is in a session changed (the focus saves it). */
  changed: [];
  closed: [];
};

type SessionPayload = Omit<JinglePayload, 'groups'> & { groups?: JinglePayload['groups'] };
const CLOSED: JingleReason = { condition: 'success', text: 'conference closed' };

export class Conference extends TypedEmitter<ConferenceEvents> {
  readonly log: Logger;
  readonly forwarding: Forwarding;
  readonly #queue = new SerialQueue();
  readonly #participants = new Map<string, Participant>();
  readonly #recovery: Recovery;
  readonly #admission: Admission;
  #sfuRoom: SfuRoom | null = null;
  readonly #speaker: Speaker;
  #linkUp = true;
  #closed = false;

  constructor(
    readonly room: string,
    private readonly deps: ConferenceDeps,
  ) {
    super();
    this.log = createLogger('focus:conference', { room });
    this.forwarding = new Forwarding(this);
    this.#recovery = new Recovery(this);
    this.#admission = new Admission(this, deps.muc, deps.config);
    this.#speaker = new Speaker(deps.muc, deps.signaling);
    const muc = deps.muc;
    muc.on('joined', (o) => this.enqueue(() => this.#recovery.occupantJoined(o)));
    muc.on('updated', (o) => this.enqueue(() => this.participantOf(o)?.updateOccupant(o)));
    muc.on('renamed', (from, to) => this.enqueue(() => this.occupantRenamed(from, to)));
    muc.on('left', (o) => this.enqueue(() => this.occupantLeft(o)));
    muc.on('lost', (reason) => void this.close(`the focus is out of the room: ${reason}`));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the focus is in the room. */
  get inRoom(): boolean {
    return this.deps.muc.joined;
  }

  /** The focus's nick in the room. */
  get focusNick(): string {
    return this.deps.muc.nick;
  }

  get participants(): ReadonlyMap<string, Participant> {
    return this.#participants;
  }

  get capabilities(): Sfu['rtpCapabilities'] {
    return this.deps.sfu.rtpCapabilities;
  }

  /** People are awaited back after a restart (see Recovery). */
  get awaiting(): boolean {
    return this.#recovery.awaiting;
  }

  requested(nick: string): Promise<void> {
    return this.#recovery.requested(nick);
  }

  participantBySid(sid: string): Participant | undefined {
    return [...this.#participants.values()].find((p) => p.sid === sid);
  }

  private participantOf(o: Occupant): Participant | undefined {
    return [...this.#participants.values()].find((p) => p.occupant.occupantJid === o.occupantJid);
  }

  // --- what the focus asks ---------------------------------------------------------------------

  /** Joins the room; `create` false refuses a room that does not exist (see Admission). */
  start(create: boolean): Promise<void> {
    return this.#admission.joinRoom(create);
  }

  /** A conference request from `requester`: (re)invites it, or says why not. */
  request(requester: string): Promise<StanzaError | null> {
    return this.#admission.request(requester);
  }

  /** A Jingle request of a participant of this conference. */
  jingle(p: Participant, payload: JinglePayload): Promise<IqResult> {
    return this.sessionStep(() => handleJingle(this, p, payload));
  }

  /** Receive constraints of a participant of this conference. */
  receiveConstraints(p: Participant, constraints: LayerConstraint[]): Promise<IqResult> {
    return this.sessionStep(() => applyReceiveConstraints(p, constraints));
  }

  private sessionStep(task: () => Promise<IqResult>): Promise<IqResult> {
    return this.onQueue(task, () => unknownSession('the conference has ended'));
  }

  /** A presence or message from the room. */
  roomStanza(stanza: Parameters<MucRoom['handle']>[0]): void {
    this.deps.muc.handle(stanza);
  }

  /** The link to the XMPP server dropped: the room is out of sight until linkUp. */
  linkDown(): void {
    this.#linkUp = false;
    this.deps.muc.suspend();
  }

  /** The link is back: rejoin the room and bring back the people who had sessions. */
  linkUp(): void {
    this.#linkUp = true;
    this.enqueue(() => this.#recovery.linkUp());
  }

  /** After a restart of the focus: rejoin the room and re-invite these people. */
  resume(sessions: SavedSession[]): void {
    this.enqueue(() => this.#recovery.resume(sessions));
  }

  /** Who has a session, or is awaited back, for the saved state. */
  snapshot(): SavedSession[] {
    const current = [...this.#participants.values()].map(({ nick, jid, sid }) => ({
      nick,
      jid,
      sid,
    }));
    return [...current, ...this.#recovery.awaited()];
  }

  counts(): { participants: number; producers: number; consumers: number } {
    const all = [...this.#participants.values()];
    const sum = (f: (p: Participant) => number): number => all.reduce((n, p) => n + f(p), 0);
    return {
      participants: all.length,
      producers: sum((p) => p.sent.size),
      consumers: sum((p) => p.received.size),
    };
  }

  /** Resolves once the steps queued so far have run. */
  async settled(): Promise<void> {
    await this.#queue.drain();
  }

  /**
   * Ends every session (with `reason`), closes the media and leaves the
   * room, after the steps already queued. Safe to call twice.
   */
  async close(why: string, reason = CLOSED): Promise<void> {
    await this.#queue.push(() => this.closeNow(why, reason)).catch(() => {});
  }

  // --- steps (on the queue) --------------------------------------------------------------------

  /** Runs a step on the queue; a failure is logged (a closed queue drops the step). */
  enqueue(task: () => Promise<void> | void): void {
    this.#queue.push(task).catch((error: unknown) => {
      if (!this.#closed)
        this.log.error('conference step failed', {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
    });
  }

  /** Runs `task` on the queue, or answers `ifClosed` when the conference is over. */
  async onQueue<T>(task: () => Promise<T>, ifClosed: () => T): Promise<T> {
    if (this.#queue.closed) return ifClosed();
    return this.#queue.push(task);
  }

  /** Sends session-initiate: own audio/video plus every track already in the room. */
  async invite(occupant: Occupant, jid: string, options: InviteOptions = {}): Promise<void> {
    if (this.#closed || !this.deps.muc.occupants.has(occupant.nick)) return;
    const previous = [...this.#participants.values()].find((x) => x.jid === jid);
    if (previous)
      await this.endSession(previous, 'success', 'replaced by a new session', {
        closeIfEmpty: false,
      });
    const room = await this.ensureSfuRoom();
    const id = newId('p', (x) => this.#participants.has(x));
    const sid = randomBytes(12).toString('base64url');
    const endpoint = await room.createEndpoint(id);
    const p = new Participant({
      id,
      occupant,
      jid,
      sid,
      endpoint,
      log: this.log.child({ participant: occupant.nick, sid }),
      ...options,
    });
    this.#participants.set(id, p);
    this.emit('session', sid, 'started');
    this.emit('changed');
    endpoint.on('connected', () => this.enqueue(() => this.mediaConnected(p)));
    endpoint.on('failed', (failure) => this.enqueue(() => this.#recovery.mediaFailed(p, failure)));

    const transport = focusTransport(endpoint);
    const contents = [
      ...ownContents(this.capabilities, transport),
      ...(await this.forwarding.everyTrackFor(p, transport)),
    ];
    p.setDeadline(ACCEPT_TIMEOUT_MS, () => this.enqueue(() => this.expireInvite(p)));
    p.log.info('inviting', { tracks: contents.length - 2, unrequested: options.unrequested });
    this.sendJingle(p, {
      action: 'session-initiate',
      sid,
      initiator: this.deps.signaling.focusJid,
      contents,
      groups: [{ semantics: 'BUNDLE', contents: contents.map((c) => c.name) }],
    });
  }

  /** session-accept was applied: the media must now come up in time. */
  accepted(p: Participant): void {
    if (p.endpoint.connected) return void this.enqueue(() => this.mediaConnected(p));
    p.setDeadline(CONNECT_TIMEOUT_MS, () =>
      this.enqueue(() => this.#recovery.mediaFailed(p, 'timeout')),
    );
  }

  private async mediaConnected(p: Participant): Promise<void> {
    if (!p.active) return;
    if (!p.everConnected) this.emit('connected', (performance.now() - p.invitedAt) / 1000);
    p.mediaConnected();
    await this.forwarding.resumeAccepted(p);
  }

  /** Fire-and-forget Jingle IQ; a participant that errors or times out is dropped. */
  sendJingle(p: Participant, payload: SessionPayload): void {
    this.deps.signaling.jingle(p.jid, { groups: [], ...payload }).catch((error: unknown) => {
      if (p.state === 'ended' || !this.#linkUp) return;
      p.log.warn('participant did not acknowledge', {
        action: payload.action,
        error: errorMessage(error),
      });
      this.enqueue(() => this.endSession(p, 'connectivity-error', 'no answer', { notify: false }));
    });
  }

  /** A session-terminate for a session this process no longer holds (after a restart). */
  terminateSaved(session: SavedSession, reason: JingleReason): void {
    this.deps.signaling.terminate(session.jid, session.sid, reason);
  }

  /** New ICE credentials for a participant (see Recovery.restartIce). */
  restartIce(p: Participant, answering = false): Promise<void> {
    return this.#recovery.restartIce(p, answering);
  }

  /** Ends a participant's session (telling it, unless `notify` is false) and removes its tracks. */
  async endSession(
    p: Participant,
    reason: ReasonCondition,
    text: string,
    options: { notify?: boolean; closeIfEmpty?: boolean } = {},
  ): Promise<void> {
    if (!this.#participants.has(p.id)) return;
    this.forwarding.stopSent(p, [...p.sent.keys()]);
    if (options.notify !== false && p.state !== 'ended')
      this.deps.signaling.terminate(p.jid, p.sid, { condition: reason, text });
    p.end();
    this.#participants.delete(p.id);
    this.emit('session', p.sid, 'ended');
    this.emit('changed');
    p.log.info('session ended', { reason, text });
    if (options.closeIfEmpty !== false && this.#participants.size === 0 && !this.awaiting)
      await this.closeNow('empty');
  }

  /** Rejoins the room after the link came back (it may have to be created again). */
  async rejoin(): Promise<void> {
    await this.deps.muc.join(this.deps.config.requestTimeoutMs);
  }

  occupant(nick: string): Occupant | undefined {
    return this.deps.muc.occupants.get(nick);
  }

  private async expireInvite(p: Participant): Promise<void> {
    if (p.state === 'inviting') await this.endSession(p, 'timeout', 'no session-accept');
  }

  private async occupantLeft(o: Occupant): Promise<void> {
    const p = this.participantOf(o);
    if (p) await this.endSession(p, 'gone', 'left the room', { notify: false });
  }

  /** A nick change (MUC status 303) keeps the session: the same person under another name. */
  private occupantRenamed(from: Occupant, to: Occupant): void {
    const p = this.participantOf(from);
    if (!p) return;
    p.updateOccupant(to);
    p.log.info('renamed', { nick: to.nick });
    this.emit('changed');
  }

  private async ensureSfuRoom(): Promise<SfuRoom> {
    if (this.#sfuRoom && !this.#sfuRoom.closed) return this.#sfuRoom;
    const room = await this.deps.sfu.createRoom(this.room);
    room.on('close', (reason) => {
      if (reason === 'worker-died') this.enqueue(() => this.#recovery.mediaLost());
    });
    room.on('dominantspeaker', (producerId) =>
      this.enqueue(() => this.#speaker.heard(producerId, this.#participants.values())),
    );
    this.#sfuRoom = room;
    return room;
  }

  /** The SFU room is gone (its worker died): the next invite makes a new one. */
  forgetSfuRoom(): void {
    this.#sfuRoom = null;
  }

  /** Closes now, from inside a step (see close). */
  async closeNow(why: string, reason = CLOSED): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.log.info('conference closed', { why });
    this.#recovery.stop();
    for (const p of this.#participants.values()) {
      if (p.state !== 'ended' && this.#linkUp) this.deps.signaling.terminate(p.jid, p.sid, reason);
      p.end();
      this.emit('session', p.sid, 'ended');
    }
    this.#participants.clear();
    this.#sfuRoom?.close();
    this.#sfuRoom = null;
    this.#queue.close();
    await this.deps.muc.leave();
    this.emit('changed');
    this.emit('closed');
    this.removeAllListeners();
  }
}

function newId(prefix: string, taken: (id: string) => boolean): string {
  for (;;) {
    // Short: content names (<id>-<name>) become SDP mids, at most 16 characters.
    const id = prefix + randomBytes(3).toString('hex');
    if (!taken(id)) return id;
  }
}
