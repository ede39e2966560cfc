/**
 * The conference of one MUC room: who is in a session with the focus. It
 * coordinates; Participant holds per-person state, Forwarding decides which
 * tracks go where, the SFU carries media, JingleActions answers Jingle requests.
 * Every step for the room runs on one serial queue, so joins, accepts,
 * leaves and worker deaths never interleave.
 */
import { randomBytes } from 'node:crypto';
import xml from '@xmpp/xml';
import type { JingleContent, JinglePayload, ReasonCondition } from '../jingle';
import { createLogger, type Logger } from '../common/logger';
import { errorMessage } from '../common/errors';
import { SerialQueue } from '../common/SerialQueue';
import { StanzaError } from '../component/StanzaError';
import type { FocusConfig } from './config';
import type { MucRoom, Occupant } from './MucRoom';
import { Participant } from './Participant';
import type { Signaling } from './Signaling';
import { Forwarding, type ForwardingHost } from './Forwarding';
import type { Sfu, SfuRoom } from './sfu/Sfu';
import { focusTransport, ownContents } from './media';

export const NS_SPEAKER = 'urn:confab:speaker:0';
const NS_HINTS = 'urn:xmpp:hints';
/** How long an invited participant has to send session-accept. */
const ACCEPT_TIMEOUT_MS = 30000;

export interface ConferenceDeps {
  sfu: Sfu;
  muc: MucRoom;
  signaling: Signaling;
  config: FocusConfig;
  /** Called once the conference has closed (empty room, focus kicked…). */
  onClosed: (conference: Conference) => void;
}

export class Conference implements ForwardingHost {
  readonly queue = new SerialQueue();
  readonly participants = new Map<string, Participant>();
  readonly forwarding = new Forwarding(this);
  private sfuRoom: SfuRoom | null = null;
  private dominantSpeaker: string | null = null;
  private _closed = false;
  readonly log: Logger;

  constructor(
    readonly room: string,
    readonly deps: ConferenceDeps,
  ) {
    this.log = createLogger('focus:conference', { room });
    deps.muc.on('left', (occupant) => this.enqueue(() => this.occupantLeft(occupant)));
    deps.muc.on('updated', (occupant) => this.occupantUpdated(occupant));
    deps.muc.on('lost', (reason) => void this.close(`focus left the room: ${reason}`));
  }

  get closed(): boolean {
    return this._closed;
  }

  participantByJid(jid: string): Participant | undefined {
    for (const p of this.participants.values()) if (p.jid === jid) return p;
    return undefined;
  }

  participantBySid(sid: string): Participant | undefined {
    for (const p of this.participants.values()) if (p.sid === sid) return p;
    return undefined;
  }

  /** A conference request from an occupant: (re)invites it into a session. */
  async request(requester: string): Promise<StanzaError | null> {
    const occupant = await this.waitForOccupant(requester);
    return this.queue.push(async () => {
      if (this._closed) return new StanzaError('item-not-found', 'the conference has ended');
      if (!occupant)
        return new StanzaError(
          'not-allowed',
          `${requester} is not an occupant of ${this.room}; join the room first`,
        );
      const existing = this.participantByJid(requester);
      if (existing)
        await this.removeParticipant(
          existing,
          'success',
          'replaced by a new conference request',
          true,
          false,
        );
      if (this.participants.size >= this.deps.config.maxParticipants) {
        return new StanzaError(
          'resource-constraint',
          `${this.room} is full (${this.deps.config.maxParticipants} participants)`,
        );
      }
      // Invite after the IQ result leaves: clients expect ready first.
      setImmediate(() => this.enqueue(() => this.invite(occupant, requester)));
      return null;
    });
  }

  private async waitForOccupant(realJid: string): Promise<Occupant | undefined> {
    const muc = this.deps.muc;
    const known = muc.occupantByRealJid(realJid);
    if (known || this.deps.config.occupantWaitMs === 0) return known;
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
      }, this.deps.config.occupantWaitMs);
      muc.on('joined', onJoined);
    });
  }

  private async ensureSfuRoom(): Promise<SfuRoom> {
    if (this.sfuRoom && !this.sfuRoom.closed) return this.sfuRoom;
    const room = await this.deps.sfu.createRoom(this.room);
    room.on('close', (reason) => {
      if (reason === 'worker-died') this.enqueue(() => this.recoverFromWorkerDeath());
    });
    room.on('dominantspeaker', (producerId) => void this.announceSpeaker(producerId));
    this.sfuRoom = room;
    return room;
  }

  private newId(prefix: string, taken: (id: string) => boolean): string {
    for (;;) {
      // Short: content names (<id>-<name>) become SDP mids, at most 16 characters.
      const id = prefix + randomBytes(3).toString('hex');
      if (!taken(id)) return id;
    }
  }

  /** Sends session-initiate: own audio/video plus every track already in the room. */
  private async invite(occupant: Occupant, jid: string): Promise<void> {
    if (this._closed || !this.deps.muc.occupants.has(occupant.nick)) return;
    const room = await this.ensureSfuRoom();
    const id = this.newId('p', (x) => this.participants.has(x));
    const sid = randomBytes(12).toString('base64url');
    const endpoint = await room.createEndpoint(id);
    const participant = new Participant(
      id,
      occupant,
      jid,
      sid,
      endpoint,
      this.log.child({ participant: occupant.nick, sid }),
    );
    this.participants.set(id, participant);
    endpoint.on('connected', () => this.enqueue(() => this.forwarding.resumeAccepted(participant)));

    const transport = focusTransport(endpoint);
    const contents: JingleContent[] = ownContents(this.deps.sfu.rtpCapabilities, transport);
    for (const other of this.participants.values()) {
      if (other === participant || other.state !== 'active') continue;
      for (const track of other.sent.values()) {
        const received = await this.forwarding.consumeInto(
          participant,
          other,
          track.contentName,
          track.producer.id,
          this.deps.sfu.rtpCapabilities,
        );
        if (received) contents.push({ ...received.content, transport });
      }
    }
    participant.acceptTimer = setTimeout(
      () => this.enqueue(() => this.expireInvite(participant)),
      ACCEPT_TIMEOUT_MS,
    );
    participant.log.info('inviting', { tracks: contents.length - 2 });
    this.sendJingle(participant, {
      action: 'session-initiate',
      sid,
      initiator: this.deps.signaling.focusJid,
      contents,
      groups: [{ semantics: 'BUNDLE', contents: contents.map((c) => c.name) }],
    });
  }

  /** Runs a step on the queue; a failure is logged (a closed queue drops the step). */
  enqueue(task: () => Promise<void> | void): void {
    void this.queue.push(task).catch((error: unknown) => {
      if (!this._closed) this.log.error('conference step failed', { error: errorMessage(error) });
    });
  }

  /** Fire-and-forget Jingle IQ; a participant that errors or times out is dropped. */
  sendJingle(
    participant: Participant,
    payload: Omit<JinglePayload, 'groups'> & { groups?: JinglePayload['groups'] },
  ): void {
    this.deps.signaling
      .jingle(participant.jid, { groups: [], ...payload })
      .catch((error: unknown) => {
        if (participant.state === 'ended') return;
        participant.log.warn('participant did not acknowledge', {
          action: payload.action,
          error: errorMessage(error),
        });
        if (payload.action !== 'session-terminate') {
          this.enqueue(() =>
            this.removeParticipant(participant, 'connectivity-error', 'no answer', false),
          );
        }
      });
  }

  /**
   * New ICE credentials for a participant, sent on every live content
   * (transport-info). `answering` is true when the participant asked for it.
   */
  async restartIce(p: Participant, answering = false): Promise<void> {
    if (p.state !== 'active') return;
    const ice = await p.endpoint.restartIce();
    p.iceRestartPending = !answering;
    p.log.info('ICE restart', { ufrag: ice.usernameFragment });
    const transport = focusTransport(p.endpoint);
    const names = ['audio', 'video', ...p.received.keys()];
    this.sendJingle(p, {
      action: 'transport-info',
      sid: p.sid,
      contents: names.map((name) => ({ name, creator: 'initiator' as const, transport })),
    });
  }

  /** Ends a participant's session and removes its tracks from everyone. */
  async removeParticipant(
    p: Participant,
    reason: ReasonCondition,
    text: string,
    notify = true,
    closeIfEmpty = true,
  ): Promise<void> {
    if (!this.participants.has(p.id)) return;
    this.forwarding.stopSent(p, [...p.sent.keys()]);
    if (notify && p.state !== 'ended') {
      this.sendJingle(p, {
        action: 'session-terminate',
        sid: p.sid,
        contents: [],
        reason: { condition: reason, text },
      });
    }
    p.close();
    this.participants.delete(p.id);
    p.log.info('left the conference', { reason, text });
    if (closeIfEmpty && this.participants.size === 0) await this.close('empty');
  }

  private async expireInvite(p: Participant): Promise<void> {
    if (p.state === 'inviting') await this.removeParticipant(p, 'timeout', 'no session-accept');
  }

  private async occupantLeft(occupant: Occupant): Promise<void> {
    for (const p of [...this.participants.values()]) {
      if (p.occupant.occupantJid === occupant.occupantJid)
        await this.removeParticipant(p, 'gone', 'left the room', false);
    }
  }

  private occupantUpdated(occupant: Occupant): void {
    for (const p of this.participants.values())
      if (p.occupant.occupantJid === occupant.occupantJid) p.occupant = occupant;
  }

  private async announceSpeaker(producerId: string): Promise<void> {
    for (const p of this.participants.values()) {
      for (const track of p.sent.values()) {
        if (track.producer.id !== producerId || this.dominantSpeaker === p.nick) continue;
        this.dominantSpeaker = p.nick;
        this.deps.signaling.countSent();
        await this.deps.muc
          .sendGroupchat(
            xml('dominant-speaker', { xmlns: NS_SPEAKER, nick: p.nick }),
            xml('no-store', { xmlns: NS_HINTS }),
          )
          .catch(() => {});
        return;
      }
    }
  }

  /** A mediasoup worker died: re-create the media and re-invite everyone. */
  private async recoverFromWorkerDeath(): Promise<void> {
    if (this._closed) return;
    const survivors = [...this.participants.values()];
    this.log.warn('media server lost; re-inviting participants', {
      participants: survivors.length,
    });
    this.sfuRoom = null;
    for (const p of survivors) {
      this.sendJingle(p, {
        action: 'session-terminate',
        sid: p.sid,
        contents: [],
        reason: { condition: 'connectivity-error', text: 'media server restarted' },
      });
      p.close();
      this.participants.delete(p.id);
    }
    for (const p of survivors) {
      const occupant = this.deps.muc.occupants.get(p.occupant.nick);
      if (occupant)
        await this.invite(occupant, p.jid).catch((e: unknown) =>
          this.log.error('re-invite failed', { error: errorMessage(e) }),
        );
    }
    if (this.participants.size === 0) await this.close('empty');
  }

  counts(): { participants: number; producers: number; consumers: number } {
    let producers = 0;
    let consumers = 0;
    for (const p of this.participants.values()) {
      producers += p.sent.size;
      consumers += p.received.size;
    }
    return { participants: this.participants.size, producers, consumers };
  }

  /** Ends every session, closes the media and leaves the room. Safe to call twice. */
  async close(why: string): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    this.log.info('conference closed', { why });
    for (const p of this.participants.values()) {
      if (p.state !== 'ended') {
        this.sendJingle(p, {
          action: 'session-terminate',
          sid: p.sid,
          contents: [],
          reason: { condition: 'success', text: 'conference closed' },
        });
      }
      p.close();
    }
    this.participants.clear();
    this.sfuRoom?.close();
    this.sfuRoom = null;
    this.queue.close();
    await this.deps.muc.leave();
    this.deps.onClosed(this);
  }
}
