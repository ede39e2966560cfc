/**
 * One occupant's Jingle session with the focus and the media behind it: the
 * SFU endpoint, the producers of the tracks it sends, and the consumers of
 * everyone else's tracks, each on its own receive-only content.
 */
import type { JingleContent } from '../jingle';
import type { Logger } from '../common/logger';
import type { ms, SfuConsumer, SfuEndpoint, SfuProducer } from './sfu/Sfu';
import type { Occupant } from './MucRoom';

export type SessionState = 'inviting' | 'active' | 'ended';

/** A track the participant receives: a consumer on a receive-only content. */
export interface ReceivedTrack {
  contentName: string;
  consumer: SfuConsumer;
  /** Participant id of the sender. */
  ownerId: string;
  /** The content as offered; re-sent as a whole on ICE restarts. */
  content: JingleContent;
  /** The participant accepted the content (session-accept or content-accept). */
  accepted: boolean;
}

/** A track the participant sends: a producer, keyed by the participant's content name. */
export interface SentTrack {
  contentName: string;
  producer: SfuProducer;
  muted: boolean;
}

export class Participant {
  state: SessionState = 'inviting';
  /** What the participant can receive, from its answer. */
  rtpCapabilities: ms.RtpCapabilities | null = null;
  readonly sent = new Map<string, SentTrack>();
  readonly received = new Map<string, ReceivedTrack>();
  /** When the session was initiated, for join-time figures. */
  readonly invitedAt = Date.now();
  /** The participant's ICE username fragment; a new one in transport-info is an ICE restart. */
  remoteUfrag: string | undefined;
  /** The focus restarted ICE and waits for the participant's new credentials. */
  iceRestartPending = false;
  /** Timer that ends a session nobody accepts. */
  acceptTimer: NodeJS.Timeout | null = null;

  constructor(
    /** Short id, unique in the conference; used in content names and msid. */
    readonly id: string,
    public occupant: Occupant,
    /** The participant's real full JID, where Jingle goes. */
    readonly jid: string,
    readonly sid: string,
    readonly endpoint: SfuEndpoint,
    readonly log: Logger,
  ) {}

  get nick(): string {
    return this.occupant.nick;
  }

  /** Name of the receive-only content carrying `owner`'s track `contentName`. */
  static receiveContentName(ownerId: string, contentName: string): string {
    return `${ownerId}-${contentName}`;
  }

  /** Closes all media. Safe to call twice. */
  close(): void {
    this.state = 'ended';
    if (this.acceptTimer) clearTimeout(this.acceptTimer);
    this.acceptTimer = null;
    for (const track of this.received.values()) track.consumer.close();
    this.received.clear();
    for (const track of this.sent.values()) track.producer.close();
    this.sent.clear();
    this.endpoint.close();
  }
}
