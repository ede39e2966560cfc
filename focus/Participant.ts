/**
 * One occupant's Jingle session with the focus and the media behind it: the
 * SFU endpoint, the tracks it sends (producers) and those it receives
 * (consumers, each on its own receive-only content). It owns its state:
 * other files ask, and change it only through the transitions below.
 */
import type { JingleContent } from '../jingle';
import type { Logger } from '../common/logger';
import { InvalidStateError } from '../common/errors';
import type { ms, SfuConsumer, SfuEndpoint, SfuProducer } from './sfu/Sfu';
import type { Occupant } from './MucRoom';

export type SessionState = 'inviting' | 'active' | 'ended';

/** A track the participant receives: a consumer on a receive-only content. */
export interface ReceivedTrack {
  readonly contentName: string;
  readonly consumer: SfuConsumer;
  /** Participant id of the sender. */
  readonly ownerId: string;
  /** The content as offered; re-sent as a whole on ICE restarts. */
  readonly content: JingleContent;
  /** The participant accepted the content (session-accept or content-accept). */
  accepted: boolean;
}

/** A track the participant sends: a producer, keyed by the participant's content name. */
export interface SentTrack {
  readonly contentName: string;
  readonly producer: SfuProducer;
  muted: boolean;
}

/** What to do about a media connection that failed (see Participant.nextRecovery). */
export type Recovery = 'ice-restart' | 'reinvite' | 'give-up';

/** A failed session is re-invited this many times in a row before the focus gives up. */
export const MAX_REINVITES = 1;

export interface ParticipantInit {
  /** Short id, unique in the conference; used in content names and msid. */
  id: string;
  occupant: Occupant;
  /** The participant's real full JID, where Jingle goes. */
  jid: string;
  sid: string;
  endpoint: SfuEndpoint;
  log: Logger;
  /** Sessions in a row before this one that ended in a media failure. */
  failures?: number;
  /** The focus offered this session by itself (after a restart or a failure), not on request. */
  unrequested?: boolean;
}

export class Participant {
  readonly id: string;
  readonly jid: string;
  readonly sid: string;
  readonly endpoint: SfuEndpoint;
  readonly log: Logger;
  readonly unrequested: boolean;
  /** When the session was initiated, for join-time figures. */
  readonly invitedAt = performance.now();
  #state: SessionState = 'inviting';
  #occupant: Occupant;
  #capabilities: ms.RtpCapabilities | null = null;
  #remoteUfrag: string | undefined;
  #awaitingIceAnswer = false;
  #iceRestarted = false;
  #failures: number;
  #everConnected = false;
  #deadline: NodeJS.Timeout | null = null;
  readonly #sent = new Map<string, SentTrack>();
  readonly #received = new Map<string, ReceivedTrack>();
  /** Receive contents removed lately: an accept may cross their content-remove. */
  readonly #removed = new Set<string>();

  constructor(init: ParticipantInit) {
    this.id = init.id;
    this.#occupant = init.occupant;
    this.jid = init.jid;
    this.sid = init.sid;
    this.endpoint = init.endpoint;
    this.log = init.log;
    this.#failures = init.failures ?? 0;
    this.unrequested = init.unrequested ?? false;
  }

  /** Name of the receive-only content carrying `owner`'s track `contentName`. */
  static receiveContentName(ownerId: string, contentName: string): string {
    return `${ownerId}-${contentName}`;
  }

  get state(): SessionState {
    return this.#state;
  }
  get active(): boolean {
    return this.#state === 'active';
  }
  get occupant(): Occupant {
    return this.#occupant;
  }
  get nick(): string {
    return this.#occupant.nick;
  }
  /** What the participant can receive, from its answer (null before session-accept). */
  get rtpCapabilities(): ms.RtpCapabilities | null {
    return this.#capabilities;
  }
  get sent(): ReadonlyMap<string, SentTrack> {
    return this.#sent;
  }
  get received(): ReadonlyMap<string, ReceivedTrack> {
    return this.#received;
  }
  get failures(): number {
    return this.#failures;
  }
  /** The participant's current ICE username fragment. */
  get remoteUfrag(): string | undefined {
    return this.#remoteUfrag;
  }
  /** The focus restarted ICE and waits for the participant's new credentials. */
  get awaitingIceAnswer(): boolean {
    return this.#awaitingIceAnswer;
  }
  /** The media connection came up at least once. */
  get everConnected(): boolean {
    return this.#everConnected;
  }

  // --- session -------------------------------------------------------------------------------

  /** inviting → active: the participant's answer was applied. */
  accept(capabilities: ms.RtpCapabilities, ufrag: string | undefined): void {
    if (this.#state !== 'inviting') throw new InvalidStateError(`session is ${this.#state}`);
    this.#state = 'active';
    this.#capabilities = capabilities;
    this.#remoteUfrag = ufrag;
    this.clearDeadline();
  }

  /** The occupant changed nick or presence: the same person, the same session. */
  updateOccupant(occupant: Occupant): void {
    this.#occupant = occupant;
  }

  /** Arms the one deadline a session has at a time (accept, connect, ICE restart). */
  setDeadline(ms: number, onExpire: () => void): void {
    this.clearDeadline();
    if (this.#state === 'ended') return;
    this.#deadline = setTimeout(() => {
      this.#deadline = null;
      onExpire();
    }, ms);
  }

  clearDeadline(): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  /** Ends the session and closes all its media. Safe to call twice. */
  end(): void {
    this.#state = 'ended';
    this.clearDeadline();
    for (const track of this.#received.values()) track.consumer.close();
    this.#received.clear();
    for (const track of this.#sent.values()) track.producer.close();
    this.#sent.clear();
    this.endpoint.close();
  }

  // --- tracks --------------------------------------------------------------------------------

  addSent(contentName: string, producer: SfuProducer): void {
    if (this.#state === 'ended') {
      producer.close();
      throw new InvalidStateError('session ended');
    }
    this.#sent.set(contentName, { contentName, producer, muted: false });
  }

  /** Stops sending a track; returns it (its producer closed), or undefined if there is none. */
  stopSent(contentName: string): SentTrack | undefined {
    const track = this.#sent.get(contentName);
    if (!track) return undefined;
    this.#sent.delete(contentName);
    track.producer.close();
    return track;
  }

  /** Mutes or unmutes a sent track; false if there is no such track. */
  setMuted(contentName: string, muted: boolean): boolean {
    const track = this.#sent.get(contentName);
    if (!track) return false;
    track.muted = muted;
    return true;
  }

  addReceived(track: Omit<ReceivedTrack, 'accepted'>): ReceivedTrack {
    if (this.#state === 'ended') {
      track.consumer.close();
      throw new InvalidStateError('session ended');
    }
    const received = { ...track, accepted: false };
    this.#received.set(track.contentName, received);
    return received;
  }

  /** Stops receiving a track (its consumer closed); returns it, or undefined. */
  removeReceived(contentName: string): ReceivedTrack | undefined {
    const track = this.#received.get(contentName);
    if (!track) return undefined;
    this.#received.delete(contentName);
    track.consumer.close();
    this.#removed.add(contentName);
    if (this.#removed.size > 256) this.#removed.delete(this.#removed.values().next().value ?? '');
    return track;
  }

  /** Whether the focus offered this receive content (it may have been removed since). */
  offered(contentName: string): boolean {
    return this.#received.has(contentName) || this.#removed.has(contentName);
  }

  /** The participant accepted these receive-only contents. */
  markAccepted(contentNames: Iterable<string>): void {
    for (const name of contentNames) {
      const track = this.#received.get(name);
      if (track) track.accepted = true;
    }
  }

  // --- ICE and media health --------------------------------------------------------------------

  /**
   * The participant's ICE username fragment from a transport-info: unchanged
   * (trickled candidates), its answer to a restart the focus started, or a
   * restart of its own.
   */
  remoteIce(ufrag: string): 'unchanged' | 'answer' | 'restart' {
    if (!this.active || ufrag === this.#remoteUfrag) return 'unchanged';
    this.#remoteUfrag = ufrag;
    if (!this.#awaitingIceAnswer) return 'restart';
    this.#awaitingIceAnswer = false;
    return 'answer';
  }

  /** The focus restarted ICE on its side and waits for the participant's new credentials. */
  iceRestartSent(): void {
    this.#awaitingIceAnswer = true;
  }

  /** The media connection is up: failures so far are forgiven. */
  mediaConnected(): void {
    this.#everConnected = true;
    this.#failures = 0;
    this.#iceRestarted = false;
    this.clearDeadline();
  }

  /**
   * The next step for a media connection that failed (or never came up):
   * first an ICE restart (unless DTLS itself failed), then a new session,
   * then the focus gives up. Each call moves one step.
   */
  nextRecovery(failure: 'ice' | 'dtls' | 'timeout'): Recovery {
    if (failure !== 'dtls' && !this.#iceRestarted) {
      this.#iceRestarted = true;
      return 'ice-restart';
    }
    return this.#failures < MAX_REINVITES ? 'reinvite' : 'give-up';
  }
}
