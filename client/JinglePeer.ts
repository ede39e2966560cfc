/**
 * Drives an RTCPeerConnection from a Jingle session, for every party that
 * has one: the web client (with the focus, and in 1:1 calls) and the Node
 * bots. Remote Jingle goes in, SDP offers and answers go on the peer
 * connection, Jingle comes out. The Jingle ↔ SDP translation is the Jingle
 * library's JingleSession; this class adds the WebRTC calls, one at a time,
 * in arrival order, using the standard WebRTC API only.
 *
 * - Our microphone and camera keep a sending m-line even when off (a null
 *   track): turning them back on is `replaceTrack`, with no renegotiation.
 * - A track added later (screen share, video upgrade) is its own content,
 *   optionally named (`screen`) and limited to some codecs; a removed one
 *   becomes a rejected m-line that the browser may recycle (JSEP 5.2.2).
 * - While an offer of ours (content-add, ICE restart) waits for its answer,
 *   the initiator's own offers wait too (we are the responder), so the two
 *   never cross; as the initiator we refuse theirs with tie-break (XEP-0166).
 * - Our ICE candidates go out (trickle) once the session-initiate or
 *   session-accept that they belong to has been acknowledged.
 */
import {
  addSimulcastLayers,
  ok,
  sendersOf,
  type JingleError,
  type JinglePayload,
  type JingleReason,
  type JingleSession,
  type RemoteAction,
  type Result,
  type SessionInfo,
} from '../jingle';
import { SerialQueue } from '../common/SerialQueue';
import { TypedEmitter } from '../common/TypedEmitter';
import { TimeoutError, UnsupportedError, errorMessage } from '../common/errors';
import { createLogger } from '../common/logger';
import { LocalTracks, type TrackMap } from './LocalTracks';
import { OfferGate } from './OfferGate';
import { renameNewMid } from './sdpMids';

const log = createLogger('peer');
const LOCAL_OFFER_TIMEOUT_MS = 15000;

export interface JinglePeerOptions {
  pc: RTCPeerConnection;
  session: JingleSession;
  /** Sends a Jingle payload to the other party and resolves on its acknowledgement. */
  send: (payload: JinglePayload) => Promise<void>;
  /**
   * Our tracks. A content the other party offers us to send on gets the track
   * named like it (`audio`, `video` in conferences), else the first unused
   * track of its kind. `null` under `audio` or `video` reserves a sending
   * content of that kind with no track yet (a camera that is off).
   */
  localTracks?: TrackMap;
  /** The stream our tracks belong to (msid). */
  localStream?: MediaStream;
  /** Simulcast layers for the `video` content we answer with (1: none). */
  simulcastLayers?: number;
  /** Send our ICE candidates (transport-info). */
  trickle?: boolean;
  /** How long an offer of ours (content-add, ICE restart) may wait for its answer. */
  localOfferTimeoutMs?: number;
}

export interface AddTrackOptions {
  /** The content's name (its mid); the browser's number otherwise. */
  name?: string;
  stream?: MediaStream;
  direction?: RTCRtpTransceiverDirection;
  /** Narrows the codecs offered (setCodecPreferences), from the sender's capabilities. */
  codecs?: (available: RTCRtpCodec[]) => RTCRtpCodec[];
}

export type JinglePeerEvents = {
  /** The session is established on our side (our session-accept acknowledged, or theirs applied). */
  accepted: [];
  /** A remote content started to carry a track. */
  trackadded: [name: string, track: MediaStreamTrack];
  trackremoved: [name: string];
  /** XEP-0167 session-info from the other party (mute, ringing…). */
  info: [SessionInfo];
  /** The peer connection's state. */
  connection: [RTCPeerConnectionState];
  ended: [reason: JingleReason | undefined];
  /** Something failed while applying remote or local changes. */
  error: [Error];
};

type Answer = (result: Result<void, JingleError>) => void;
type Waiting = { payload: JinglePayload; answer: Answer };

export class JinglePeer extends TypedEmitter<JinglePeerEvents> {
  private readonly queue = new SerialQueue();
  /** Remote contents announced with trackadded. */
  private readonly announced = new Set<string>();
  private readonly tracks: LocalTracks;
  /** Our offer (content-add, ICE restart) waiting for its answer, and what waits behind it. */
  private readonly gate: OfferGate<Waiting>;
  /** Local candidates wait until the session stanza they belong to was acknowledged. */
  private candidates: (RTCIceCandidate | null)[] | null = [];
  private _established = false;
  private closed = false;

  constructor(private readonly o: JinglePeerOptions) {
    super();
    this.tracks = new LocalTracks(o.localTracks);
    this.gate = new OfferGate(o.localOfferTimeoutMs ?? LOCAL_OFFER_TIMEOUT_MS, (released) => {
      this.rerun(released);
      this.fail(new TimeoutError('the other party did not answer our offer'));
    });
    if (o.trickle) o.pc.addEventListener('icecandidate', (e) => this.localCandidate(e.candidate));
    o.pc.addEventListener('connectionstatechange', () => {
      if (this.closed) return;
      log.info('connection', { sid: o.session.sid, state: o.pc.connectionState });
      this.emit('connection', o.pc.connectionState);
    });
  }

  get session(): JingleSession {
    return this.o.session;
  }

  get pc(): RTCPeerConnection {
    return this.o.pc;
  }

  get sid(): string {
    return this.o.session.sid;
  }

  /** Whether the session is established on our side (see the `accepted` event). */
  get established(): boolean {
    return this._established;
  }

  /** Initiator: offers every local track in session-initiate. */
  initiate(): Promise<void> {
    return this.queue.push(async () => {
      const pc = this.o.pc;
      for (const { kind, track } of this.tracks.offered()) {
        const transceiver = pc.addTransceiver(track ?? kind, {
          direction: 'sendrecv',
          streams: this.o.localStream ? [this.o.localStream] : [],
        });
        this.tracks.use(kind, transceiver, track);
      }
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const built = this.o.session.initiate(offer.sdp ?? '');
      if (!built.ok) throw built.error;
      await this.o.send(built.value);
      this.flushCandidates();
    });
  }

  /**
   * Takes a payload from the other party. Resolves once the session accepted
   * it (answer the IQ with a result) or refused it (answer with the error);
   * the peer connection work follows in order.
   */
  handle(payload: JinglePayload): Promise<Result<void, JingleError>> {
    return new Promise((answer) => {
      this.queue
        .push(() => this.process({ payload, answer }))
        .catch((error: unknown) => {
          answer(ok(undefined));
          this.fail(error);
        });
    });
  }

  private async process({ payload, answer }: Waiting): Promise<void> {
    // As the responder we hold the initiator's offers while ours waits (it answers ours first);
    // as the initiator, the session refuses theirs with tie-break.
    if (this.o.session.localRole === 'responder' && this.gate.holds(payload.action)) {
      this.gate.hold({ payload, answer });
      return;
    }
    const applied = this.o.session.apply(payload);
    if (!applied.ok) {
      log.warn('refused', { sid: this.sid, action: payload.action, error: applied.error.message });
      answer(applied);
      return;
    }
    answer(ok(undefined));
    if (this.gate.answers(payload.action)) this.rerun(this.gate.settle());
    await this.perform(payload, applied.value);
  }

  /** Runs held payloads again, in order, behind what is queued. */
  private rerun(held: Waiting[]): void {
    for (const waiting of held)
      this.queue.push(() => this.process(waiting)).catch((error: unknown) => this.fail(error));
  }

  private async perform(payload: JinglePayload, action: RemoteAction): Promise<void> {
    switch (action.kind) {
      case 'description':
        if (action.type === 'offer')
          await this.answerOffer(payload.action, action.sdp, action.added);
        else {
          log.debug('remote answer', { sdp: action.sdp });
          await this.o.pc.setRemoteDescription({ type: 'answer', sdp: action.sdp });
          if (payload.action === 'session-accept') this.establish();
        }
        this.announceTracks();
        return;
      case 'candidates':
        for (const c of action.candidates)
          await this.o.pc.addIceCandidate(c.candidate ? c : null).catch(() => {});
        return;
      case 'terminate':
        log.info('terminated by the other party', {
          sid: this.sid,
          reason: action.reason?.condition,
        });
        this.close();
        this.emit('ended', action.reason);
        return;
      case 'info':
        if (action.info) this.emit('info', action.info);
        return;
      case 'none':
        return;
    }
  }

  /** Sets a remote offer, sends on what it lets us send, and answers it. */
  private async answerOffer(
    action: JinglePayload['action'],
    sdp: string,
    added: string[],
  ): Promise<void> {
    const pc = this.o.pc;
    log.debug('remote offer', { sdp });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (!mid || !added.includes(mid) || !this.mayWeSend(mid)) continue;
      const kind = transceiver.receiver.track.kind;
      const track = this.tracks.for(mid, kind);
      if (track === undefined) continue;
      transceiver.direction = 'sendrecv';
      await transceiver.sender.replaceTrack(track);
      if (this.o.localStream) transceiver.sender.setStreams?.(this.o.localStream);
      this.tracks.use(kind, transceiver, track);
    }
    const answer = await pc.createAnswer();
    let local = answer.sdp ?? '';
    const layers = this.o.simulcastLayers ?? 1;
    const video = this.tracks.sender('video')?.mid;
    if (layers > 1 && action === 'session-initiate' && video) {
      const munged = addSimulcastLayers(local, { layers, mid: video });
      if (munged.ok) local = munged.value;
      else log.warn('no simulcast', { error: munged.error.message });
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
    if (action === 'session-initiate') {
      this.flushCandidates();
      this.establish();
    }
  }

  private establish(): void {
    if (this._established) return;
    this._established = true;
    this.emit('accepted');
  }

  /** Whether the remote's content lets us (our role) send. */
  private mayWeSend(name: string): boolean {
    const remote = this.o.session.contents.find((c) => c.name === name)?.remote;
    if (!remote) return false;
    const senders = sendersOf(remote);
    return senders === 'both' || senders === this.o.session.localRole;
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

  // --- what we change ----------------------------------------------------------------------------

  /** Whether we have a content that sends our track of this kind (even with no track now). */
  sends(kind: 'audio' | 'video'): boolean {
    return this.tracks.sender(kind) !== undefined;
  }

  /** Our content that sends this kind, once negotiated. */
  contentOf(kind: 'audio' | 'video'): string | null {
    return this.tracks.sender(kind)?.mid ?? null;
  }

  /**
   * Swaps what our content of this kind sends (null: nothing, e.g. camera
   * off), without renegotiation. False when no content sends this kind.
   */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<boolean> {
    const transceiver = this.tracks.sender(kind);
    if (!transceiver || this.closed) return false;
    await transceiver.sender.replaceTrack(track);
    if (track) this.tracks.markUsed(track);
    return true;
  }

  /** Sends a new track on its own content (content-add); resolves with its name once sent. */
  addTrack(track: MediaStreamTrack, options: AddTrackOptions = {}): Promise<string> {
    return this.queue.push(async () => {
      if (this.closed) throw new UnsupportedError('the session has ended');
      const pc = this.o.pc;
      const known = this.o.session.contents.map((c) => c.name);
      const transceiver = pc.addTransceiver(track, {
        direction: options.direction ?? 'sendonly',
        streams: options.stream ? [options.stream] : [],
      });
      if (options.codecs) preferCodecs(transceiver, track.kind, options.codecs);
      let sdp = (await pc.createOffer()).sdp ?? '';
      if (options.name) {
        const renamed = renameNewMid(sdp, known, options.name);
        if (!renamed.ok) {
          transceiver.stop();
          throw new UnsupportedError(renamed.error);
        }
        sdp = renamed.sdp;
      }
      log.debug('local offer', { sdp });
      await pc.setLocalDescription({ type: 'offer', sdp });
      const built = this.o.session.addContents(sdp);
      if (!built.ok) {
        await this.rollback(transceiver);
        throw built.error;
      }
      const name = built.value.contents[0]?.name ?? transceiver.mid ?? '';
      this.tracks.use(track.kind, transceiver, track);
      this.gate.open('content');
      try {
        await this.o.send(built.value);
      } catch (error) {
        // Refused (e.g. tie-break): the content is gone again.
        this.rerun(this.gate.settle());
        await this.rollback(transceiver, name);
        throw error;
      }
      return name;
    });
  }

  /** Stops sending a content we added (content-remove) and renegotiates locally. */
  removeContent(name: string): Promise<void> {
    return this.queue.push(async () => {
      if (this.closed) return;
      const transceiver = this.o.pc.getTransceivers().find((t) => t.mid === name);
      if (!transceiver) return;
      transceiver.stop();
      this.tracks.forget(transceiver);
      const payload = this.o.session.removeContents([name]);
      await this.renegotiateLocally();
      await this.o.send(payload);
    });
  }

  /** Restarts ICE from our side (new credentials in transport-info); the other party answers in kind. */
  restartIce(): Promise<void> {
    return this.queue.push(async () => {
      if (this.closed || !this._established || this.o.pc.signalingState !== 'stable') return;
      const offer = await this.o.pc.createOffer({ iceRestart: true });
      await this.o.pc.setLocalDescription(offer);
      const built = this.o.session.restartTransport(offer.sdp ?? '', 'offer');
      if (!built.ok) throw built.error;
      log.info('ICE restart', { sid: this.sid });
      this.gate.open('restart');
      try {
        await this.o.send(built.value);
      } catch (error) {
        // The transport is half-restarted now: the caller replaces the session.
        this.rerun(this.gate.settle());
        throw error;
      }
    });
  }

  /** Tells the other party a content is muted or not (XEP-0167 session-info). */
  async setMuted(name: string | undefined, muted: boolean): Promise<void> {
    if (this.closed) return;
    const info: SessionInfo = name
      ? { type: muted ? 'mute' : 'unmute', creator: this.o.session.localRole, name }
      : { type: muted ? 'mute' : 'unmute' };
    await this.o.send({ action: 'session-info', sid: this.sid, contents: [], groups: [], info });
  }

  /** Ends the session with session-terminate. */
  async terminate(reason?: JingleReason): Promise<void> {
    if (this.closed) return;
    const payload = this.o.session.ended ? null : this.o.session.terminate(reason);
    this.close();
    if (payload) await this.o.send(payload).catch(() => {});
  }

  /** Closes the peer connection without telling anyone. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiting of this.gate.settle()) waiting.answer(ok(undefined));
    this.queue.close();
    this.o.pc.close();
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** A local offer answered from the session's own state (no stanza needed). */
  private async renegotiateLocally(): Promise<void> {
    const offer = await this.o.pc.createOffer();
    await this.o.pc.setLocalDescription(offer);
    const answer = this.o.session.remoteDescription('answer');
    if (!answer.ok) throw answer.error;
    await this.o.pc.setRemoteDescription({ type: 'answer', sdp: answer.value });
  }

  private async rollback(transceiver: RTCRtpTransceiver, name?: string): Promise<void> {
    if (this.o.pc.signalingState === 'have-local-offer')
      await this.o.pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
    transceiver.stop();
    this.tracks.forget(transceiver);
    if (name && this.o.session.contents.some((c) => c.name === name && !c.rejected))
      this.o.session.removeContents([name]);
  }

  private localCandidate(candidate: RTCIceCandidate | null): void {
    if (this.closed) return;
    if (this.candidates) {
      this.candidates.push(candidate);
      return;
    }
    const built = this.o.session.transportInfo({
      candidate: candidate?.candidate ?? null,
      sdpMid: candidate?.sdpMid ?? this.o.session.contents[0]?.name ?? null,
    });
    if (built.ok) void this.o.send(built.value).catch(() => {});
  }

  /** The session stanza went out: the candidates gathered meanwhile follow it. */
  private flushCandidates(): void {
    const waiting = this.candidates;
    this.candidates = null;
    for (const c of waiting ?? []) this.localCandidate(c);
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const e = error instanceof Error ? error : new Error(String(error));
    log.error('session step failed', { sid: this.sid, error: errorMessage(e) });
    this.emit('error', e);
  }
}

function preferCodecs(
  transceiver: RTCRtpTransceiver,
  kind: string,
  choose: NonNullable<AddTrackOptions['codecs']>,
): void {
  const available = globalThis.RTCRtpSender?.getCapabilities?.(kind)?.codecs ?? [];
  const wanted = choose(available);
  if (wanted.length === 0 || !transceiver.setCodecPreferences) return;
  try {
    transceiver.setCodecPreferences(wanted);
  } catch {
    // Keep the defaults.
  }
}
