/**
 * Which of our tracks goes on which content of a peer connection, and which
 * transceiver sends each kind (for track swaps without renegotiation). Used
 * by JinglePeer.
 */

export type TrackMap = Record<string, MediaStreamTrack | null | undefined>;

export class LocalTracks {
  private readonly used = new Set<MediaStreamTrack>();
  private readonly senders = new Map<string, RTCRtpTransceiver>();

  /**
   * `tracks` is read whenever a content is set up, so it may change until
   * then. A track named like the content goes there, else the first unused
   * one of its kind; `null` under `audio` or `video` reserves a sending
   * content of that kind with no track yet.
   */
  constructor(private readonly tracks: TrackMap = {}) {}

  /** What to offer in session-initiate: each track, or a kind reserved with no track. */
  offered(): { kind: string; track: MediaStreamTrack | null }[] {
    const offered: { kind: string; track: MediaStreamTrack | null }[] = [];
    for (const [name, track] of Object.entries(this.tracks)) {
      const kind = track?.kind ?? (track === null ? kindNamed(name) : undefined);
      if (kind) offered.push({ kind, track: track ?? null });
    }
    return offered;
  }

  /** Our track for a content we may send on: a track, null (reserved, none yet), or undefined (none). */
  for(name: string, kind: string): MediaStreamTrack | null | undefined {
    const named = this.tracks[name];
    if (named && !this.used.has(named)) return named;
    if (named === null && kindNamed(name) === kind && !this.senders.has(kind)) return null;
    const found = Object.values(this.tracks).find((t) => t && t.kind === kind && !this.used.has(t));
    if (found) return found;
    return this.tracks[kind] === null && !this.senders.has(kind) ? null : undefined;
  }

  /** `transceiver` now sends `track` (or is reserved for its kind). */
  use(kind: string, transceiver: RTCRtpTransceiver, track: MediaStreamTrack | null): void {
    if (track) this.used.add(track);
    if (!this.senders.has(kind)) this.senders.set(kind, transceiver);
  }

  /** The transceiver that sends our track of this kind. */
  sender(kind: string): RTCRtpTransceiver | undefined {
    return this.senders.get(kind);
  }

  /** A stopped transceiver no longer sends its kind. */
  forget(transceiver: RTCRtpTransceiver): void {
    for (const [kind, t] of this.senders) if (t === transceiver) this.senders.delete(kind);
  }

  markUsed(track: MediaStreamTrack): void {
    this.used.add(track);
  }
}

function kindNamed(name: string): 'audio' | 'video' | undefined {
  return name === 'audio' || name === 'video' ? name : undefined;
}
