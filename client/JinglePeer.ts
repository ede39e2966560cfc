/**
 * Drives an RTCPeerConnection from a Jingle session, for any party (Node bots
 * in conferences and 1:1 calls; it uses the standard WebRTC API only): remote
 * Jingle in, SDP offers and answers on the peer connection, Jingle out. The
 * Jingle ↔ SDP translation is the Jingle library's JingleSession; this class
 * only adds the WebRTC calls, one at a time, in order.
 */
import {
  addSimulcastLayers,
  sendersOf,
  type JingleError,
  type JinglePayload,
  type JingleReason,
  type JingleSession,
  type Result,
  type SessionInfo,
  ok,
} from '../jingle';
import { SerialQueue } from '../common/SerialQueue';
import { TypedEmitter } from '../common/TypedEmitter';

export interface JinglePeerOptions {
  pc: RTCPeerConnection;
  session: JingleSession;
  /** Sends a Jingle payload to the other party and resolves on its acknowledgement. */
  send: (payload: JinglePayload) => Promise<void>;
  /**
   * Our tracks. A content the other party offers us to send on gets the track
   * named like it (`audio`, `video` in conferences), else the first unused
   * track of its kind. `null` under `audio` or `video` reserves a sending
   * content of that kind with no track yet (a camera that is off): turning it
   * on later is `replaceTrack`, with no renegotiation.
   */
  localTracks?: Record<string, MediaStreamTrack | null | undefined>;
  /** The stream our tracks belong to (msid). */
  localStream?: MediaStream;
  /** Simulcast layers for the `video` content (1: none). */
  simulcastLayers?: number;
  /** Send our ICE candidates (transport-info). */
  trickle?: boolean;
}

export type JinglePeerEvents = {
  /** A remote content started to carry a track. */
  trackadded: [name: string, track: MediaStreamTrack];
  trackremoved: [name: string];
  /** XEP-0167 session-info from the other party (mute, ringing…). */
  info: [SessionInfo];
  ended: [reason: JingleReason | undefined];
  /** Something failed while applying remote or local changes. */
  error: [Error];
};

export class JinglePeer extends TypedEmitter<JinglePeerEvents> {
  private readonly queue = new SerialQueue();
  /** Remote contents announced with trackadded. */
  private readonly announced = new Set<string>();
  private readonly usedTracks = new Set<MediaStreamTrack>();
  /** The transceiver that sends our track of each kind (the first one). */
  private readonly senders = new Map<string, RTCRtpTransceiver>();
  private closed = false;

  constructor(private readonly o: JinglePeerOptions) {
    super();
    if (o.trickle) {
      o.pc.addEventListener('icecandidate', (event) => {
        const built = o.session.transportInfo({
          candidate: event.candidate?.candidate ?? null,
          sdpMid: event.candidate?.sdpMid ?? this.firstMid(),
        });
        if (built.ok) void this.o.send(built.value).catch(() => {});
      });
    }
  }

  get session(): JingleSession {
    return this.o.session;
  }

  get pc(): RTCPeerConnection {
    return this.o.pc;
  }

  /** Initiator: offers every local track in session-initiate. */
  initiate(): Promise<void> {
    return this.queue.push(async () => {
      const pc = this.o.pc;
      for (const [name, track] of Object.entries(this.o.localTracks ?? {})) {
        const kind = track?.kind ?? (track === null ? kindNamed(name) : undefined);
        if (!kind) continue;
        const transceiver = pc.addTransceiver(track ?? kind, {
          direction: 'sendrecv',
          streams: this.o.localStream ? [this.o.localStream] : [],
        });
        this.useFor(kind, transceiver, track ?? null);
      }
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const built = this.o.session.initiate(offer.sdp ?? '');
      if (!built.ok) throw built.error;
      await this.o.send(built.value);
    });
  }

  /**
   * Applies a remote payload. Validation is synchronous, so the IQ can be
   * answered at once (an error, or a result); the WebRTC work follows in order.
   */
  handle(payload: JinglePayload): Result<void, JingleError> {
    const applied = this.o.session.apply(payload);
    if (!applied.ok) return applied;
    const action = applied.value;
    const run = async (): Promise<void> => {
      switch (action.kind) {
        case 'description':
          if (action.type === 'offer')
            await this.answerOffer(payload.action, action.sdp, action.added);
          else await this.o.pc.setRemoteDescription({ type: 'answer', sdp: action.sdp });
          this.announceTracks();
          break;
        case 'candidates':
          for (const c of action.candidates)
            await this.o.pc.addIceCandidate(c.candidate ? c : null).catch(() => {});
          break;
        case 'terminate':
          this.close();
          this.emit('ended', action.reason);
          break;
        case 'info':
          if (action.info) this.emit('info', action.info);
          break;
        case 'none':
          break;
      }
    };
    void this.queue
      .push(run)
      .catch((error: unknown) =>
        this.emit('error', error instanceof Error ? error : new Error(String(error))),
      );
    return ok(undefined);
  }

  private async answerOffer(action: string, sdp: string, added: string[]): Promise<void> {
    const pc = this.o.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (!mid || !added.includes(mid) || !this.mayWeSend(mid)) continue;
      const kind = transceiver.receiver.track.kind;
      const track = this.trackFor(mid, kind);
      if (track === undefined) continue;
      await transceiver.sender.replaceTrack(track);
      if (this.o.localStream) transceiver.sender.setStreams?.(this.o.localStream);
      transceiver.direction = 'sendrecv';
      this.useFor(kind, transceiver, track);
    }
    const answer = await pc.createAnswer();
    let local = answer.sdp ?? '';
    const layers = this.o.simulcastLayers ?? 1;
    if (layers > 1 && action === 'session-initiate' && this.o.localTracks?.video) {
      const munged = addSimulcastLayers(local, { layers, mid: 'video' });
      if (munged.ok) local = munged.value;
    }
    await pc.setLocalDescription({ type: 'answer', sdp: local });
    const reply =
      action === 'session-initiate'
        ? this.o.session.accept(local)
        : action === 'transport-info'
          ? // The other party restarted ICE: our new credentials go back in transport-info.
            this.o.session.restartTransport(local, 'answer')
          : added.length
            ? this.o.session.acceptContents(local, added)
            : null;
    if (reply && !reply.ok) throw reply.error;
    if (reply) await this.o.send(reply.value);
  }

  /** Whether the remote's content lets us (our role) send. */
  private mayWeSend(name: string): boolean {
    const remote = this.o.session.contents.find((c) => c.name === name)?.remote;
    if (!remote) return false;
    const senders = sendersOf(remote);
    return senders === 'both' || senders === this.o.session.localRole;
  }

  /** Our track for a content we may send on: a track, null (reserved, none yet), or undefined. */
  private trackFor(name: string, kind: string): MediaStreamTrack | null | undefined {
    const tracks = this.o.localTracks ?? {};
    const named = tracks[name];
    if (named && !this.usedTracks.has(named)) return named;
    const found = Object.values(tracks).find(
      (t) => t && t.kind === kind && !this.usedTracks.has(t),
    );
    if (found) return found;
    return tracks[kind] === null && !this.senders.has(kind) ? null : undefined;
  }

  private useFor(kind: string, transceiver: RTCRtpTransceiver, track: MediaStreamTrack | null) {
    if (track) this.usedTracks.add(track);
    if (!this.senders.has(kind)) this.senders.set(kind, transceiver);
  }

  /** Whether we have a content that sends our track of this kind (even with no track now). */
  sends(kind: 'audio' | 'video'): boolean {
    return this.senders.has(kind);
  }

  /** Our content that sends this kind, once negotiated. */
  contentOf(kind: 'audio' | 'video'): string | null {
    return this.senders.get(kind)?.mid ?? null;
  }

  /**
   * Swaps what our content of this kind sends (null: nothing, e.g. camera
   * off), without renegotiation. False when no content sends this kind.
   */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<boolean> {
    return this.queue.push(async () => {
      const transceiver = this.senders.get(kind);
      if (!transceiver || this.closed) return false;
      await transceiver.sender.replaceTrack(track);
      if (track) this.usedTracks.add(track);
      return true;
    });
  }

  /** Emits trackadded / trackremoved for remote contents whose sending state changed. */
  private announceTracks(): void {
    const live = new Set(
      this.o.session.contents
        .filter((c) => !c.rejected && c.remote?.description?.sources.length)
        .map((c) => c.name),
    );
    for (const transceiver of this.o.pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (mid && live.has(mid) && !this.announced.has(mid)) {
        this.announced.add(mid);
        this.emit('trackadded', mid, transceiver.receiver.track);
      }
    }
    for (const name of [...this.announced]) {
      if (live.has(name)) continue;
      this.announced.delete(name);
      this.emit('trackremoved', name);
    }
  }

  /** Sends a new track on its own content (screen share, video upgrade); resolves with its name. */
  addTrack(
    track: MediaStreamTrack,
    options: { stream?: MediaStream; direction?: RTCRtpTransceiverDirection } = {},
  ): Promise<string> {
    return this.queue.push(async () => {
      const pc = this.o.pc;
      const transceiver = pc.addTransceiver(track, {
        direction: options.direction ?? 'sendonly',
        streams: options.stream ? [options.stream] : [],
      });
      this.useFor(track.kind, transceiver, track);
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const built = this.o.session.addContents(offer.sdp ?? '');
      if (!built.ok) throw built.error;
      await this.o.send(built.value);
      return transceiver.mid ?? built.value.contents[0]?.name ?? '';
    });
  }

  /** Stops sending a content we added, with content-remove. */
  removeContent(name: string): Promise<void> {
    return this.queue.push(async () => {
      const transceiver = this.o.pc.getTransceivers().find((t) => t.mid === name);
      if (transceiver) {
        await transceiver.sender.replaceTrack(null);
        transceiver.stop();
        for (const [kind, t] of this.senders) if (t === transceiver) this.senders.delete(kind);
      }
      await this.o.send(this.o.session.removeContents([name]));
    });
  }

  /** Tells the other party a content is muted or not (XEP-0167 session-info). */
  async setMuted(name: string | undefined, muted: boolean): Promise<void> {
    const info: SessionInfo = name
      ? { type: muted ? 'mute' : 'unmute', creator: this.o.session.localRole, name }
      : { type: muted ? 'mute' : 'unmute' };
    await this.o.send({
      action: 'session-info',
      sid: this.o.session.sid,
      contents: [],
      groups: [],
      info,
    });
  }

  /** Ends the session with session-terminate. */
  async terminate(reason?: JingleReason): Promise<void> {
    if (this.closed) return;
    const payload = this.o.session.terminate(reason);
    this.close();
    await this.o.send(payload).catch(() => {});
  }

  /** Closes the peer connection without telling anyone. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.o.pc.close();
  }

  private firstMid(): string | null {
    return this.o.session.contents[0]?.name ?? null;
  }
}

function kindNamed(name: string): 'audio' | 'video' | undefined {
  return name === 'audio' || name === 'video' ? name : undefined;
}
