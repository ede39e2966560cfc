/**
 * Drives an RTCPeerConnection from a Jingle session, for any participant
 * (the browser client and the Node bots share it): remote Jingle in, SDP
 * offers/answers on the peer connection, Jingle replies out. The Jingle ↔ SDP
 * translation is the Jingle library's JingleSession; this class only adds
 * the WebRTC calls, in order. It uses the standard WebRTC API only.
 */
import {
  addSimulcastLayers,
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
  /** Tracks for the contents the remote offers us to send on, by content name (e.g. audio, video). */
  localTracks?: Record<string, MediaStreamTrack | undefined>;
  /** The stream our tracks belong to (msid). */
  localStream?: MediaStream;
  /** Simulcast layers for the `video` content (1: none). */
  simulcastLayers?: number;
  /** Send our ICE candidates (transport-info). */
  trickle?: boolean;
}

export type JinglePeerEvents = {
  /** A remote content started: its receiver track. */
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
            await this.answerOffer(payload.action, action.sdp, action.added, action.removed);
          else await this.o.pc.setRemoteDescription({ type: 'answer', sdp: action.sdp });
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

  private async answerOffer(
    action: string,
    sdp: string,
    added: string[],
    removed: string[],
  ): Promise<void> {
    const pc = this.o.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of pc.getTransceivers()) {
      const track = transceiver.mid ? this.o.localTracks?.[transceiver.mid] : undefined;
      if (!track || !added.includes(transceiver.mid ?? '')) continue;
      await transceiver.sender.replaceTrack(track);
      if (this.o.localStream) transceiver.sender.setStreams?.(this.o.localStream);
      transceiver.direction = 'sendrecv';
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
    // Remote tracks: added contents on which the other party announced sources.
    const sending = new Set(
      this.o.session.contents
        .filter((c) => c.remote?.description?.sources.length)
        .map((c) => c.name),
    );
    for (const transceiver of pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (mid && added.includes(mid) && sending.has(mid))
        this.emit('trackadded', mid, transceiver.receiver.track);
    }
    for (const name of removed) this.emit('trackremoved', name);
  }

  /** Sends a new track on its own content (e.g. a screen share); resolves with the content name. */
  addTrack(track: MediaStreamTrack, stream?: MediaStream): Promise<string> {
    return this.queue.push(async () => {
      const pc = this.o.pc;
      const transceiver = pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: stream ? [stream] : [],
      });
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const built = this.o.session.addContents(offer.sdp ?? '');
      if (!built.ok) throw built.error;
      await this.o.send(built.value);
      const name = transceiver.mid ?? built.value.contents[0]?.name ?? '';
      return name;
    });
  }

  /** Stops sending a content we added, with content-remove. */
  removeContent(name: string): Promise<void> {
    return this.queue.push(async () => {
      const transceiver = this.o.pc.getTransceivers().find((t) => t.mid === name);
      if (transceiver) {
        await transceiver.sender.replaceTrack(null);
        transceiver.stop();
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
