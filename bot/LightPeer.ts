/**
 * The Jingle side of a lightweight participant: real Jingle, ICE and DTLS at
 * a fraction of a full peer's cost, so that a room of 50–100 can be measured
 * on one machine without the participants saturating it before the focus.
 *
 * libwebrtc sees only the participant's own two contents (its microphone and
 * camera, which send nothing: bot/syntheticMedia idleMedia), so ICE and DTLS
 * run for real over the BUNDLE transport. Every remote track's content is
 * answered, in session-accept or content-accept, with a receive-only m-line
 * cloned from our own answer of the same kind, without a renegotiation of the
 * peer connection: a full peer's cost per content-add grows with the room
 * (the whole SDP is set again), this one's does not. Nothing is decoded.
 */
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { SerialQueue } from '../common/SerialQueue';
import { TypedEmitter } from '../common/TypedEmitter';
import { createLogger } from '../common/logger';
import type { JinglePeerOptions } from '../client/JinglePeer';
import {
  badRequest,
  ok,
  type JingleError,
  type JinglePayload,
  type JingleReason,
  type JingleSession,
  type Result,
  type SessionInfo,
} from '../jingle';

const log = createLogger('light-peer');
/** Host candidates on loopback gather in milliseconds; never wait longer than this. */
const GATHERING_LIMIT_MS = 2000;

/** As a full peer's: the participant's own tracks by kind, in their stream. */
export type LightPeerOptions = Pick<
  JinglePeerOptions,
  'pc' | 'session' | 'send' | 'localTracks' | 'localStream'
>;

export type LightPeerEvents = {
  accepted: [];
  /** A remote content started to carry a track (nothing is received from it). */
  trackadded: [name: string];
  trackremoved: [name: string];
  info: [SessionInfo];
  ended: [reason: JingleReason | undefined];
  error: [Error];
};

export class LightPeer extends TypedEmitter<LightPeerEvents> {
  readonly #o: LightPeerOptions;
  readonly #queue = new SerialQueue();
  /** Our answer's m-line per kind, the model of every receive-only m-line. */
  #answer: SessionDescription | undefined;
  readonly #announced = new Set<string>();
  #closed = false;
  #established = false;

  constructor(options: LightPeerOptions) {
    super();
    this.#o = options;
  }

  get session(): JingleSession {
    return this.#o.session;
  }

  get pc(): RTCPeerConnection {
    return this.#o.pc;
  }

  /** Our session-accept was acknowledged. */
  get established(): boolean {
    return this.#established;
  }

  /** Applies a payload; resolves once the session took or refused it, the rest follows in order. */
  handle(payload: JinglePayload): Promise<Result<void, JingleError>> {
    const applied = this.#o.session.apply(payload);
    if (!applied.ok) return Promise.resolve(applied);
    const action = applied.value;
    this.#queue
      .push(async () => {
        switch (action.kind) {
          case 'description':
            if (payload.action === 'session-initiate') await this.#accept(action.sdp);
            else if (action.type === 'offer' && action.added.length)
              await this.#acceptContents(action.added);
            this.#announce();
            return;
          case 'candidates':
            for (const c of action.candidates)
              await this.#o.pc
                .addIceCandidate(c.candidate ? { ...c, sdpMid: this.#ownMid() } : null)
                .catch(() => {});
            return;
          case 'terminate':
            this.close();
            this.emit('ended', action.reason);
            return;
          case 'info':
            if (action.info) this.emit('info', action.info);
            return;
          case 'none':
            return;
        }
      })
      .catch((error: unknown) => this.#fail(error));
    return Promise.resolve(ok(undefined));
  }

  /** session-accept: libwebrtc answers our own contents, the others get cloned m-lines. */
  async #accept(offerSdp: string): Promise<void> {
    const offer = parse(offerSdp);
    const own = offer.media.filter((m) => m.direction === 'sendrecv' && m.port !== 0);
    const pc = this.#o.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp: write(withMedia(offer, own)) });
    for (const transceiver of pc.getTransceivers()) {
      const track = this.#o.localTracks?.[transceiver.receiver.track.kind];
      if (!track) continue;
      transceiver.direction = 'sendrecv';
      await transceiver.sender.replaceTrack(track);
      if (this.#o.localStream) transceiver.sender.setStreams?.(this.#o.localStream);
    }
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete(pc);
    const answer = parse(pc.localDescription?.sdp ?? '');
    this.#answer = answer;
    const media = offer.media.map(
      (m) => answer.media.find((a) => String(a.mid) === String(m.mid)) ?? this.#receiveOnly(m),
    );
    const accepted = this.#o.session.accept(write(withMedia(answer, media)));
    if (!accepted.ok) throw accepted.error;
    await this.#o.send(accepted.value);
    this.#established = true;
    this.emit('accepted');
  }

  /** content-accept for a content-add, without touching the peer connection. */
  async #acceptContents(names: string[]): Promise<void> {
    const answer = this.#answer;
    if (!answer) throw badRequest('content-add', 'content-add before the session was accepted');
    const media = names.map((name) => {
      const kind = this.#o.session.contents.find((c) => c.name === name)?.remote?.description
        ?.media;
      return this.#receiveOnly({ type: kind ?? 'audio', mid: name, port: 9 });
    });
    const accepted = this.#o.session.acceptContents(write(withMedia(answer, media)), names);
    if (!accepted.ok) throw accepted.error;
    await this.#o.send(accepted.value);
  }

  /** Our own m-line of the same kind, as a receive-only m-line named `m.mid`. */
  #receiveOnly(m: Pick<MediaDescription, 'type' | 'mid' | 'port'>): MediaDescription {
    const model = this.#answer?.media.find((a) => a.type === m.type);
    if (!model) throw badRequest('sdp', `no ${m.type} content of our own to answer with`);
    const {
      ssrcs: _ssrcs,
      ssrcGroups: _groups,
      msid: _msid,
      candidates: _candidates,
      endOfCandidates: _end,
      ...rest
    } = model;
    return {
      ...rest,
      mid: String(m.mid),
      direction: 'recvonly',
      port: m.port === 0 ? 0 : rest.port,
    };
  }

  #ownMid(): string {
    return String(this.#answer?.media[0]?.mid ?? '');
  }

  /** trackadded / trackremoved for remote contents whose sources came or went. */
  #announce(): void {
    const live = new Set(
      this.#o.session.contents
        .filter((c) => !c.rejected && c.remote?.description?.sources.length)
        .map((c) => c.name),
    );
    for (const name of live) {
      if (this.#announced.has(name)) continue;
      this.#announced.add(name);
      this.emit('trackadded', name);
    }
    for (const name of this.#announced) {
      if (live.has(name)) continue;
      this.#announced.delete(name);
      this.emit('trackremoved', name);
    }
  }

  async terminate(reason?: JingleReason): Promise<void> {
    if (this.#closed) return;
    const payload = this.#o.session.ended ? null : this.#o.session.terminate(reason);
    this.close();
    if (payload) await this.#o.send(payload).catch(() => {});
  }

  /** Closes the peer connection without telling anyone. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.close();
    this.#o.pc.close();
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    const e = error instanceof Error ? error : new Error(String(error));
    log.error('session step failed', { sid: this.#o.session.sid, error: e.message });
    this.emit('error', e);
  }
}

/** The description with these m-lines, all in one BUNDLE group. */
function withMedia(sdp: SessionDescription, media: MediaDescription[]): SessionDescription {
  const mids = media.filter((m) => m.port !== 0).map((m) => String(m.mid));
  return { ...sdp, media, groups: [{ type: 'BUNDLE', mids: mids.join(' ') }] };
}

function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, GATHERING_LIMIT_MS);
    function done(): void {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check(): void {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}
