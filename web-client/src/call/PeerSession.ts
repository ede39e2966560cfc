/**
 * The browser's Jingle session with the focus, on one RTCPeerConnection. The
 * focus initiates; we are the responder. Every Jingle ↔ SDP translation is
 * the Jingle library's JingleSession: remote payloads go in through `handle`
 * (which says what to set on the peer connection), and our answers and
 * offers come out of it as payloads to send.
 *
 * All steps run in one queue, in arrival order. While a content-add of ours
 * (a screen share) waits for the focus's content-accept, the focus's own
 * offers wait too, so the two never cross (no glare). Our microphone and
 * camera always get a sending m-line, even when off: turning them on later
 * is a replaceTrack, with no renegotiation.
 */
import { JingleSession, type RemoteAction } from '../../../jingle/JingleSession';
import {
  addSimulcastLayers,
  type JingleError,
  type JinglePayload,
  type JingleReason,
  type SessionInfo,
} from '../../../jingle';
import { SerialQueue } from '../../../common/SerialQueue';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { TimeoutError, UnsupportedError } from '../../../common/errors';
import { createLogger } from '../log';
import { renameNewMid } from './sdpFixes';

const log = createLogger('peer');
/** How long a content-add of ours may wait for content-accept. */
const LOCAL_OFFER_TIMEOUT_MS = 15000;

export interface PeerSessionOptions {
  sid: string;
  /** Our full JID, written as responder in session-accept. */
  localJid: string;
  iceServers: RTCIceServer[];
  /** Sends a payload to the focus; resolves on its acknowledgement. */
  send: (payload: JinglePayload) => Promise<void>;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** Camera simulcast layers (SIM group); 1 for none. */
  simulcastLayers: number;
}

export type PeerSessionEvents = {
  /** Our session-accept was acknowledged: the session is live. */
  accepted: [];
  /** A remote content started to carry a track. */
  track: [content: string, track: MediaStreamTrack];
  trackremoved: [content: string];
  /** session-info from the focus (mute/unmute of a remote content). */
  info: [SessionInfo];
  ended: [reason: JingleReason | undefined];
  connection: [RTCPeerConnectionState];
  error: [Error];
};

/**
 * The browser put a new track in the m-line of a removed one (JSEP requires
 * it to recycle), and the session keeps every m-line in its first place: a
 * fresh session can carry the track.
 */
export class MlineReusedError extends UnsupportedError {
  override name = 'MlineReusedError';
}

type Waiting = { payload: JinglePayload; answer: (error: JingleError | null) => void };

export class PeerSession extends TypedEmitter<PeerSessionEvents> {
  readonly pc: RTCPeerConnection;
  readonly session: JingleSession;
  private readonly queue = new SerialQueue();
  private readonly tracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  private readonly stream = new MediaStream();
  private accepted = false;
  private readonly candidates: (RTCIceCandidate | null)[] = [];
  /** Our offer (content-add, ICE restart) that waits for the focus's answer. */
  private localOffer: { kind: 'content' | 'restart'; timer: ReturnType<typeof setTimeout> } | null =
    null;
  private deferred: Waiting[] = [];
  private closed = false;

  constructor(private readonly o: PeerSessionOptions) {
    super();
    this.tracks = { audio: o.audio, video: o.video };
    this.pc = new RTCPeerConnection({ iceServers: o.iceServers, bundlePolicy: 'max-bundle' });
    this.session = new JingleSession({
      sid: o.sid,
      localRole: 'responder',
      localJid: o.localJid,
      remoteIceLite: true,
    });
    this.pc.addEventListener('icecandidate', (event) => this.localCandidate(event.candidate));
    this.pc.addEventListener('connectionstatechange', () => {
      log.info('connection', { state: this.pc.connectionState });
      this.emit('connection', this.pc.connectionState);
    });
  }

  get sid(): string {
    return this.o.sid;
  }

  /**
   * Takes a payload from the focus. Resolves once the session accepted it
   * (answer the IQ with a result) or refused it (answer with the error);
   * the peer connection work follows in order.
   */
  handle(payload: JinglePayload): Promise<JingleError | null> {
    return new Promise((answer) => {
      this.queue
        .push(() => this.process({ payload, answer }))
        .catch((error: unknown) => {
          answer(null);
          this.fail(error);
        });
    });
  }

  private async process(waiting: Waiting): Promise<void> {
    const { payload, answer } = waiting;
    if (this.localOffer && !passesPendingOffer(payload.action)) {
      this.deferred.push(waiting);
      return;
    }
    const applied = this.session.apply(payload);
    if (!applied.ok) {
      log.warn('refused', { action: payload.action, error: applied.error.message });
      answer(applied.error);
      return;
    }
    answer(null);
    if (this.localOffer && settles(this.localOffer.kind, payload.action)) this.settleLocalOffer();
    await this.perform(payload, applied.value);
  }

  private async perform(payload: JinglePayload, action: RemoteAction): Promise<void> {
    switch (action.kind) {
      case 'description':
        if (action.type === 'offer') await this.answer(payload.action, action);
        else {
          log.debug('remote answer', { sdp: action.sdp });
          await this.pc.setRemoteDescription({ type: 'answer', sdp: action.sdp });
        }
        return;
      case 'candidates':
        for (const c of action.candidates)
          await this.pc.addIceCandidate(c.candidate ? c : null).catch(() => {});
        return;
      case 'terminate':
        log.info('terminated by the focus', { reason: action.reason?.condition });
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

  /** Sets a remote offer, answers it, and tells the focus what the answer says. */
  private async answer(
    action: JinglePayload['action'],
    offer: Extract<RemoteAction, { kind: 'description' }>,
  ): Promise<void> {
    const pc = this.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    if (action === 'session-initiate') await this.attachOwnTracks();
    const created = await pc.createAnswer();
    let sdp = created.sdp ?? '';
    if (action === 'session-initiate' && this.o.simulcastLayers > 1) {
      const munged = addSimulcastLayers(sdp, { layers: this.o.simulcastLayers, mid: 'video' });
      if (munged.ok) sdp = munged.value;
      else log.warn('no simulcast', { error: munged.error.message });
    }
    await pc.setLocalDescription({ type: 'answer', sdp });
    const reply =
      action === 'session-initiate'
        ? this.session.accept(sdp)
        : action === 'transport-info'
          ? this.session.restartTransport(sdp, 'answer')
          : offer.added.length > 0
            ? this.session.acceptContents(sdp, offer.added)
            : null;
    if (reply && !reply.ok) throw reply.error;
    if (reply) await this.o.send(reply.value);
    if (action === 'session-initiate') {
      this.accepted = true;
      for (const c of this.candidates.splice(0)) this.localCandidate(c);
      this.emit('accepted');
    }
    for (const name of offer.added) {
      const content = this.session.contents.find((c) => c.name === name);
      const transceiver = pc.getTransceivers().find((t) => t.mid === name);
      if (content?.remote?.description?.sources.length && transceiver)
        this.emit('track', name, transceiver.receiver.track);
    }
    for (const name of offer.removed) this.emit('trackremoved', name);
  }

  /** Our microphone and camera go on the `audio` and `video` contents, sending even when off. */
  private async attachOwnTracks(): Promise<void> {
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = transceiver.mid;
      if (kind !== 'audio' && kind !== 'video') continue;
      transceiver.direction = 'sendrecv';
      await transceiver.sender.replaceTrack(this.tracks[kind]);
      transceiver.sender.setStreams(this.stream);
    }
  }

  /** Swaps what the microphone or camera content sends (null: nothing). */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    this.tracks[kind] = track;
    const transceiver = this.pc.getTransceivers().find((t) => t.mid === kind);
    if (transceiver && !this.closed) await transceiver.sender.replaceTrack(track);
  }

  /** Tells the focus (and through it everyone) that one of our contents is muted or not. */
  async setMuted(name: 'audio' | 'video', muted: boolean): Promise<void> {
    if (this.closed || !this.accepted) return;
    await this.o.send({
      action: 'session-info',
      sid: this.o.sid,
      contents: [],
      groups: [],
      info: { type: muted ? 'mute' : 'unmute', creator: 'responder', name },
    });
  }

  /** Sends a track on a new content of ours (content-add), e.g. `screen`. */
  addContent(name: string, track: MediaStreamTrack): Promise<void> {
    return this.queue.push(async () => {
      if (this.closed || !this.accepted) throw new UnsupportedError('not in a call yet');
      const pc = this.pc;
      const known = this.session.contents.map((c) => c.name);
      const transceiver = pc.addTransceiver(track, {
        direction: 'sendonly',
        streams: [new MediaStream([track])],
      });
      preferForwardedCodecs(transceiver);
      const offer = await pc.createOffer();
      const renamed = renameNewMid(offer.sdp ?? '', known, name);
      if (!renamed.ok) {
        transceiver.stop();
        throw renamed.reused
          ? new MlineReusedError(renamed.error)
          : new UnsupportedError(renamed.error);
      }
      log.debug('local offer', { sdp: renamed.sdp });
      await pc.setLocalDescription({ type: 'offer', sdp: renamed.sdp });
      const built = this.session.addContents(renamed.sdp);
      if (!built.ok) {
        await this.rollback(transceiver, name);
        throw built.error;
      }
      this.localOffer = {
        kind: 'content',
        timer: setTimeout(() => this.localOfferTimedOut(), LOCAL_OFFER_TIMEOUT_MS),
      };
      try {
        await this.o.send(built.value);
      } catch (error) {
        this.settleLocalOffer();
        await this.rollback(transceiver, name);
        throw error;
      }
    });
  }

  /** Restarts ICE from our side (new credentials in a transport-info); the focus answers in kind. */
  restartIce(): Promise<void> {
    return this.queue.push(async () => {
      if (this.closed || !this.accepted || this.pc.signalingState !== 'stable') return;
      const offer = await this.pc.createOffer({ iceRestart: true });
      await this.pc.setLocalDescription(offer);
      const built = this.session.restartTransport(offer.sdp ?? '', 'offer');
      if (!built.ok) throw built.error;
      log.info('ICE restart');
      this.localOffer = {
        kind: 'restart',
        timer: setTimeout(() => this.localOfferTimedOut(), LOCAL_OFFER_TIMEOUT_MS),
      };
      try {
        await this.o.send(built.value);
      } catch (error) {
        // The session's transport is now half-restarted: the caller replaces the session.
        this.settleLocalOffer();
        throw error;
      }
    });
  }

  /** Stops sending a content of ours (content-remove) and renegotiates locally. */
  removeContent(name: string): Promise<void> {
    return this.queue.push(async () => {
      if (this.closed) return;
      const transceiver = this.pc.getTransceivers().find((t) => t.mid === name);
      if (!transceiver) return;
      transceiver.stop();
      const payload = this.session.removeContents([name]);
      await this.renegotiateLocally();
      await this.o.send(payload);
    });
  }

  /** A local offer answered from the session's own state (no stanza needed). */
  private async renegotiateLocally(): Promise<void> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const answer = this.session.remoteDescription('answer');
    if (!answer.ok) throw answer.error;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer.value });
  }

  private async rollback(transceiver: RTCRtpTransceiver, name: string): Promise<void> {
    if (this.pc.signalingState === 'have-local-offer')
      await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
    transceiver.stop();
    if (this.session.contents.some((c) => c.name === name)) this.session.removeContents([name]);
  }

  private settleLocalOffer(): void {
    if (!this.localOffer) return;
    clearTimeout(this.localOffer.timer);
    this.localOffer = null;
    for (const waiting of this.deferred.splice(0)) {
      this.queue.push(() => this.process(waiting)).catch((error: unknown) => this.fail(error));
    }
  }

  private localOfferTimedOut(): void {
    if (!this.localOffer) return;
    this.settleLocalOffer();
    this.fail(new TimeoutError('the focus did not answer our content-add'));
  }

  private localCandidate(candidate: RTCIceCandidate | null): void {
    if (this.closed) return;
    if (!this.accepted) {
      this.candidates.push(candidate);
      return;
    }
    const built = this.session.transportInfo({
      candidate: candidate?.candidate ?? null,
      sdpMid: candidate?.sdpMid ?? this.session.contents[0]?.name ?? null,
    });
    if (built.ok) void this.o.send(built.value).catch(() => {});
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const e = error instanceof Error ? error : new Error(String(error));
    log.error('session step failed', { error: e.message });
    this.emit('error', e);
  }

  /** Ends the session with session-terminate (reason success). */
  async terminate(): Promise<void> {
    if (this.closed) return;
    const payload = this.session.ended ? null : this.session.terminate();
    this.close();
    if (payload) await this.o.send(payload).catch(() => {});
  }

  /** Closes the peer connection without a stanza. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.localOffer) clearTimeout(this.localOffer.timer);
    this.localOffer = null;
    for (const waiting of this.deferred.splice(0)) waiting.answer(null);
    this.queue.close();
    this.pc.close();
  }
}

/**
 * Offers only the video codecs the focus forwards (VP8, constrained-baseline
 * H.264, their RTX), so its answer to our content-add stays small and exact.
 */
function preferForwardedCodecs(transceiver: RTCRtpTransceiver): void {
  const codecs = globalThis.RTCRtpSender?.getCapabilities?.('video')?.codecs ?? [];
  const wanted = codecs.filter((c) => {
    const mime = c.mimeType.toLowerCase();
    if (mime === 'video/vp8' || mime === 'video/rtx') return true;
    const fmtp = c.sdpFmtpLine ?? '';
    return (
      mime === 'video/h264' &&
      fmtp.includes('packetization-mode=1') &&
      fmtp.includes('profile-level-id=42e01f')
    );
  });
  if (wanted.some((c) => c.mimeType.toLowerCase() === 'video/vp8')) {
    try {
      transceiver.setCodecPreferences(wanted);
    } catch {
      // Keep the browser's defaults.
    }
  }
}

/** What may go ahead while an offer of ours waits: its answer, and what makes no offer. */
function passesPendingOffer(action: JinglePayload['action']): boolean {
  return (
    action === 'content-accept' ||
    action === 'content-reject' ||
    action === 'transport-info' ||
    action === 'session-terminate' ||
    action === 'session-info'
  );
}

/** The focus's answer to our content-add, or to our ICE restart. */
function settles(kind: 'content' | 'restart', action: JinglePayload['action']): boolean {
  return kind === 'content'
    ? action === 'content-accept' || action === 'content-reject'
    : action === 'transport-info';
}
