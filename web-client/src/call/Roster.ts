/**
 * Who the page shows and with what: remote tracks grouped into feeds (one
 * tile each). A participant's microphone and camera make one feed; each of
 * their screen shares is another. The focus names every content
 * `<participant-id>-<sender's content>` and says who owns it (ssrc-info);
 * mute state comes from session-info.
 */
import { TypedEmitter } from '../../../common/TypedEmitter';

export interface RemoteTrack {
  content: string;
  track: MediaStreamTrack;
  muted: boolean;
}

export interface Feed {
  /** `<participant-id>` for microphone and camera, `<participant-id>-screen…` for a screen. */
  id: string;
  participantId: string;
  /** The owner's room nickname ('' until known). */
  nick: string;
  screen: boolean;
  audio: RemoteTrack | null;
  video: RemoteTrack | null;
}

export type RosterEvents = { changed: [] };

/** Splits a content name into participant id and the sender's content name. */
export function parseContentName(name: string): { participantId: string; source: string } | null {
  const dash = name.indexOf('-');
  if (dash <= 0 || dash === name.length - 1) return null;
  return { participantId: name.slice(0, dash), source: name.slice(dash + 1) };
}

export class Roster extends TypedEmitter<RosterEvents> {
  readonly feeds = new Map<string, Feed>();
  /** Content name → owner nick, known before or after the track arrives. */
  private readonly owners = new Map<string, string>();
  private readonly muted = new Set<string>();

  setOwners(owners: Map<string, string>): void {
    let changed = false;
    for (const [content, occupantJid] of owners) {
      const nick = occupantJid.slice(occupantJid.indexOf('/') + 1);
      this.owners.set(content, nick);
      for (const feed of this.feeds.values()) {
        if ((feed.audio?.content === content || feed.video?.content === content) && !feed.nick) {
          feed.nick = nick;
          changed = true;
        }
      }
    }
    if (changed) this.emit('changed');
  }

  addTrack(content: string, track: MediaStreamTrack): void {
    const parsed = parseContentName(content);
    if (!parsed) return;
    const screen = parsed.source !== 'audio' && parsed.source !== 'video';
    const id = screen ? content : parsed.participantId;
    let feed = this.feeds.get(id);
    if (!feed) {
      feed = {
        id,
        participantId: parsed.participantId,
        nick: '',
        screen,
        audio: null,
        video: null,
      };
      this.feeds.set(id, feed);
    }
    feed.nick ||= this.owners.get(content) ?? '';
    const remote: RemoteTrack = { content, track, muted: this.muted.has(content) };
    if (track.kind === 'audio') feed.audio = remote;
    else feed.video = remote;
    this.emit('changed');
  }

  removeTrack(content: string): void {
    this.muted.delete(content);
    this.owners.delete(content);
    for (const [id, feed] of this.feeds) {
      if (feed.audio?.content === content) feed.audio = null;
      else if (feed.video?.content === content) feed.video = null;
      else continue;
      if (!feed.audio && !feed.video) this.feeds.delete(id);
      this.emit('changed');
      return;
    }
  }

  setMuted(content: string, muted: boolean): void {
    if (muted) this.muted.add(content);
    else this.muted.delete(content);
    for (const feed of this.feeds.values()) {
      for (const remote of [feed.audio, feed.video]) {
        if (remote?.content === content && remote.muted !== muted) {
          remote.muted = muted;
          this.emit('changed');
        }
      }
    }
  }

  /** A nick change in the room: the person's tiles follow. */
  rename(from: string, to: string): void {
    let changed = false;
    for (const feed of this.feeds.values()) {
      if (feed.nick === from) {
        feed.nick = to;
        changed = true;
      }
    }
    for (const [content, nick] of this.owners) if (nick === from) this.owners.set(content, to);
    if (changed) this.emit('changed');
  }

  /** The feed of a participant's microphone and camera, by nick. */
  cameraFeedOf(nick: string): Feed | undefined {
    for (const feed of this.feeds.values()) if (!feed.screen && feed.nick === nick) return feed;
    return undefined;
  }

  clear(): void {
    this.feeds.clear();
    this.owners.clear();
    this.muted.clear();
    this.emit('changed');
  }
}
