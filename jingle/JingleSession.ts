/**
 * The SDP side of one Jingle session, for a party that runs an
 * RTCPeerConnection (a browser, a Node bot). It keeps every content the
 * session ever had in a stable order (m-line order never changes; a removed
 * content stays as a rejected, port-0 m-line, as Unified Plan requires), the
 * remote party's latest description of each, and the local transport.
 *
 * Remote stanzas go in through `apply`, which says what to do with the
 * peer connection: set a remote offer or answer (rendered here), add trickled
 * candidates, or nothing. Local SDP goes in through `initiate`, `accept`,
 * `acceptContents`, `addContents`, `transportInfo` and `restartTransport`,
 * which build the payloads to send. Pure: the caller owns the RTCPeerConnection.
 */
import { JingleError, badRequest, outOfOrder } from './JingleError';
import {
  otherRole,
  type ContentGroup,
  type IceUdpTransport,
  type JingleContent,
  type JinglePayload,
  type JingleReason,
  type Role,
  type SessionInfo,
} from './model';
import { err, ok, type Result } from './result';
import { parseCandidateLine } from './sdpCandidates';
import { numericSessionId, type SdpType } from './jingleToSdp';
import { sdpMids, sdpToJingle, type JingleContents } from './sdpToJingle';
import { SessionContents, type SessionContent } from './SessionContents';
import {
  mergeTransport,
  sameIceCredentials,
  trickleCandidates,
  type TrickleCandidate,
} from './transportUpdates';

export type { SessionContent, TrickleCandidate };

export interface JingleSessionOptions {
  sid: string;
  localRole: Role;
  /** Full JID written as initiator/responder in payloads this session builds. */
  localJid?: string;
  /**
   * The remote party is an ICE-lite agent, so rendered SDP says a=ice-lite and
   * the local agent takes the controlling role. Set it when the remote is
   * Confab's focus (mediasoup is ICE-lite; XEP-0176 cannot say so).
   */
  remoteIceLite?: boolean;
}

/** What the peer connection must do after a remote payload. */
export type RemoteAction =
  | { kind: 'description'; type: SdpType; sdp: string; added: string[]; removed: string[] }
  | { kind: 'candidates'; candidates: TrickleCandidate[] }
  | { kind: 'terminate'; reason?: JingleReason }
  | { kind: 'info'; info?: SessionInfo }
  | { kind: 'none' };

type SessionState = 'new' | 'pending' | 'active' | 'ended';

export class JingleSession {
  readonly sid: string;
  readonly localRole: Role;
  readonly remoteRole: Role;
  private readonly options: JingleSessionOptions;
  private readonly contentsState = new SessionContents();
  private state: SessionState = 'new';
  /** Names of local content-add contents awaiting content-accept/reject. */
  private pending: string[] = [];
  private version = 0;
  private localTransport: IceUdpTransport | undefined;
  /** Our negotiated DTLS role (setup active or passive), once an answer fixed it. */
  private localDtlsSetup: 'active' | 'passive' | undefined;
  /** We sent new ICE credentials in a local offer: the remote's new ones come in an answer. */
  private restarting = false;

  constructor(options: JingleSessionOptions) {
    this.options = options;
    this.sid = options.sid;
    this.localRole = options.localRole;
    this.remoteRole = otherRole(options.localRole);
  }

  /** Every content so far, in m-line order. */
  get contents(): readonly SessionContent[] {
    return this.contentsState.snapshot();
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** Applies a remote payload (already parsed and addressed to this session). */
  apply(payload: JinglePayload): Result<RemoteAction, JingleError> {
    if (payload.sid !== this.sid) {
      return err(
        new JingleError('item-not-found', 'jingle.@sid', 'unknown session', {
          jingleCondition: 'unknown-session',
        }),
      );
    }
    if (this.state === 'ended') return err(outOfOrder(payload.action, 'the session has ended'));
    switch (payload.action) {
      case 'session-initiate':
        if (this.localRole !== 'responder' || this.state !== 'new')
          return err(outOfOrder(payload.action));
        this.state = 'pending';
        this.contentsState.groups = payload.groups;
        return this.addRemote(payload.contents);
      case 'content-add':
        if (this.state === 'new') return err(outOfOrder(payload.action));
        if (this.pending.length > 0) {
          return err(
            new JingleError('unexpected-request', 'jingle', 'content-add crossed ours', {
              jingleCondition: 'tie-break',
            }),
          );
        }
        if (payload.groups.length > 0) this.contentsState.groups = payload.groups;
        return this.addRemote(payload.contents);
      case 'session-accept':
      case 'content-accept':
      case 'transport-accept':
        return this.acceptRemote(payload);
      case 'content-reject':
        return this.rejectPending(payload.contents);
      case 'content-remove':
        return this.removeRemote(payload.contents);
      case 'content-modify':
      case 'description-info':
      case 'transport-replace':
        return this.updateRemote(payload.contents, payload.action);
      case 'transport-info':
        return this.trickle(payload.contents);
      case 'session-terminate':
        this.state = 'ended';
        return ok(
          payload.reason ? { kind: 'terminate', reason: payload.reason } : { kind: 'terminate' },
        );
      case 'session-info':
        return ok(payload.info ? { kind: 'info', info: payload.info } : { kind: 'info' });
      case 'security-info':
      case 'transport-reject':
        return ok({ kind: 'none' });
    }
  }

  /** The remote party's current description as SDP, every content in m-line order. */
  remoteDescription(type: SdpType): Result<string, JingleError> {
    this.version++;
    return this.contentsState.render(type, {
      role: this.remoteRole,
      sessionId: numericSessionId(this.sid),
      sessionVersion: this.version,
      iceLite: this.options.remoteIceLite === true,
      // An answer cannot say actpass: the remote takes the DTLS role opposite ours.
      defaultSetup:
        type === 'answer' ? (this.localDtlsSetup === 'active' ? 'passive' : 'active') : 'actpass',
    });
  }

  /** session-initiate from the local offer (local initiator). */
  initiate(localOffer: string): Result<JinglePayload, JingleError> {
    if (this.localRole !== 'initiator' || this.state !== 'new')
      return err(outOfOrder('session-initiate'));
    const converted = this.fromLocal(localOffer);
    if (!converted.ok) return converted;
    this.contentsState.append(converted.value.contents, 'local');
    this.contentsState.groups = converted.value.groups;
    this.state = 'pending';
    return ok(this.payload('session-initiate', converted.value.contents, converted.value.groups));
  }

  /** session-accept from the local answer to the remote session-initiate. */
  accept(localAnswer: string): Result<JinglePayload, JingleError> {
    if (this.localRole !== 'responder' || this.state !== 'pending')
      return err(outOfOrder('session-accept'));
    const converted = this.updateLocal(localAnswer);
    if (!converted.ok) return converted;
    this.state = 'active';
    return ok(this.payload('session-accept', converted.value.contents, converted.value.groups));
  }

  /** content-accept for the named contents (those of the remote content-add) from the local answer. */
  acceptContents(
    localAnswer: string,
    names: readonly string[],
  ): Result<JinglePayload, JingleError> {
    const converted = this.updateLocal(localAnswer, names);
    if (!converted.ok) return converted;
    return ok(this.payload('content-accept', converted.value.contents, []));
  }

  /** content-add for the m-lines of a local offer that the session does not know yet. */
  addContents(localOffer: string): Result<JinglePayload, JingleError> {
    if (this.state !== 'active' && this.state !== 'pending') return err(outOfOrder('content-add'));
    const mids = sdpMids(localOffer);
    const fresh = mids.filter((mid) => !this.contentsState.has(mid));
    const converted = this.fromLocal(localOffer, () => this.localRole, fresh);
    if (!converted.ok) return converted;
    const added = converted.value.contents;
    if (added.length === 0) return err(badRequest('sdp', 'the offer has no new m-line'));
    this.contentsState.placeLocal(
      added.map((content) => ({ content, index: mids.indexOf(content.name) })),
    );
    this.pending = added.map((c) => c.name);
    this.contentsState.joinBundle(this.pending);
    return ok(this.payload('content-add', added, this.contentsState.groups));
  }

  /** content-remove of local or remote contents; they become rejected m-lines. */
  removeContents(names: readonly string[], reason?: JingleReason): JinglePayload {
    const removed = this.contentsState.reject(names);
    const payload = this.payload(
      'content-remove',
      removed.map((s) => ({ name: s.name, creator: s.creator })),
      [],
    );
    if (reason) payload.reason = reason;
    return payload;
  }

  /**
   * transport-info for one local candidate (RTCPeerConnection's icecandidate
   * event). An empty or null candidate says gathering is complete: for its
   * content, or for every live content when it names none.
   */
  transportInfo(candidate: {
    candidate?: string | null;
    sdpMid?: string | null;
  }): Result<JinglePayload, JingleError> {
    const slot = this.contentsState.slots.find((s) => s.name === candidate.sdpMid);
    if (!candidate.candidate) {
      const targets = slot ? [slot] : this.contentsState.slots.filter((s) => !s.rejected);
      const contents = targets.map((s) => ({
        name: s.name,
        creator: s.creator,
        transport: this.transportWith([], true),
      }));
      return ok(this.payload('transport-info', contents, []));
    }
    if (!slot) return err(badRequest('sdpMid', `unknown content ${String(candidate.sdpMid)}`));
    const parsed = parseCandidateLine(candidate.candidate);
    if (!parsed) return err(badRequest('candidate', 'not a usable ICE candidate'));
    const transport = this.transportWith([parsed], false);
    return ok(
      this.payload('transport-info', [{ name: slot.name, creator: slot.creator, transport }], []),
    );
  }

  /**
   * transport-info with the full local transport of every live content, for
   * an ICE restart: after createOffer({ iceRestart: true }) (type 'offer'), or
   * after answering the remote's restart (type 'answer').
   */
  restartTransport(localSdp: string, type: SdpType): Result<JinglePayload, JingleError> {
    const converted = this.updateLocal(localSdp);
    if (!converted.ok) return converted;
    this.restarting = type === 'offer';
    const contents = converted.value.contents.flatMap((c) =>
      c.transport ? [{ name: c.name, creator: c.creator, transport: c.transport }] : [],
    );
    return ok(this.payload('transport-info', contents, []));
  }

  terminate(reason: JingleReason = { condition: 'success' }): JinglePayload {
    this.state = 'ended';
    const payload = this.payload('session-terminate', [], []);
    payload.reason = reason;
    return payload;
  }

  private payload(
    action: JinglePayload['action'],
    contents: JingleContent[],
    groups: ContentGroup[],
  ): JinglePayload {
    const payload: JinglePayload = { action, sid: this.sid, contents, groups };
    if (this.options.localJid !== undefined) {
      if (this.localRole === 'initiator' && action === 'session-initiate')
        payload.initiator = this.options.localJid;
      if (this.localRole === 'responder' && action === 'session-accept')
        payload.responder = this.options.localJid;
    }
    return payload;
  }

  private transportWith(
    candidates: IceUdpTransport['candidates'],
    gatheringComplete: boolean,
  ): IceUdpTransport {
    const transport: IceUdpTransport = { candidates, fingerprints: [], gatheringComplete };
    if (this.localTransport?.ufrag !== undefined) transport.ufrag = this.localTransport.ufrag;
    if (this.localTransport?.pwd !== undefined) transport.pwd = this.localTransport.pwd;
    return transport;
  }

  private fromLocal(
    sdp: string,
    creator: (mid: string) => Role = (mid) => this.contentsState.creatorOf(mid, this.remoteRole),
    mids?: readonly string[],
  ): Result<JingleContents, JingleError> {
    const options = { role: this.localRole, creator };
    const converted = sdpToJingle(sdp, mids ? { ...options, mids } : options);
    if (!converted.ok) return converted;
    const transport = converted.value.contents.find(
      (c) => c.transport?.ufrag !== undefined,
    )?.transport;
    if (transport) {
      this.localTransport = transport;
      const setup = transport.fingerprints[0]?.setup;
      if (setup === 'active' || setup === 'passive') this.localDtlsSetup = setup;
    }
    return converted;
  }

  private updateLocal(sdp: string, names?: readonly string[]): Result<JingleContents, JingleError> {
    const converted = this.fromLocal(sdp, undefined, names);
    if (!converted.ok) return converted;
    const updated = this.contentsState.updateLocal(
      converted.value.contents,
      converted.value.rejected,
    );
    return updated.ok ? converted : updated;
  }

  private addRemote(contents: readonly JingleContent[]): Result<RemoteAction, JingleError> {
    for (const content of contents) {
      if (this.contentsState.has(content.name)) {
        return err(badRequest(`jingle.content[${content.name}]`, 'a content of this name exists'));
      }
      if (!content.description && !content.transport?.sctp) {
        return err(badRequest(`jingle.content[${content.name}]`, 'no description'));
      }
    }
    this.contentsState.append(contents, 'remote');
    this.contentsState.joinBundle(contents.map((c) => c.name));
    return this.describe(
      'offer',
      contents.map((c) => c.name),
      [],
    );
  }

  private acceptRemote(payload: JinglePayload): Result<RemoteAction, JingleError> {
    const { action } = payload;
    const misplaced =
      action === 'session-accept'
        ? this.localRole !== 'initiator' || this.state !== 'pending'
        : this.state === 'new';
    if (misplaced) return err(outOfOrder(action));
    const found = this.contentsState.find(payload.contents);
    if (!found.ok) return found;
    found.value.forEach((slot, i) =>
      this.contentsState.updateRemote(slot, payload.contents[i] as JingleContent),
    );
    const remoteSetup = payload.contents.flatMap((c) => c.transport?.fingerprints ?? [])[0]?.setup;
    if (remoteSetup === 'active') this.localDtlsSetup = 'passive';
    if (remoteSetup === 'passive') this.localDtlsSetup = 'active';
    if (action === 'session-accept') this.state = 'active';
    if (action !== 'transport-accept') {
      // What the answer left out is refused: the remote answer must still have its m-line.
      this.contentsState.refuseUndescribed(
        action === 'session-accept' ? this.contentsState.slots.map((s) => s.name) : this.pending,
      );
      this.pending = [];
    }
    if (payload.groups.length > 0) this.contentsState.groups = payload.groups;
    return this.describe('answer', [], []);
  }

  private rejectPending(contents: readonly JingleContent[]): Result<RemoteAction, JingleError> {
    const found = this.contentsState.find(contents);
    if (!found.ok) return found;
    const names = found.value.map((slot) => slot.name);
    this.contentsState.reject(names);
    this.pending = this.pending.filter((name) => !names.includes(name));
    return this.describe('answer', [], names);
  }

  private removeRemote(contents: readonly JingleContent[]): Result<RemoteAction, JingleError> {
    const found = this.contentsState.find(contents);
    if (!found.ok) return found;
    const removed = this.contentsState.reject(found.value.map((slot) => slot.name));
    if (removed.length === 0) return ok({ kind: 'none' });
    return this.describe(
      'offer',
      [],
      removed.map((s) => s.name),
    );
  }

  private updateRemote(
    contents: readonly JingleContent[],
    action: string,
  ): Result<RemoteAction, JingleError> {
    if (this.state !== 'active') return err(outOfOrder(action));
    const found = this.contentsState.find(contents);
    if (!found.ok) return found;
    found.value.forEach((slot, i) =>
      this.contentsState.updateRemote(slot, contents[i] as JingleContent),
    );
    return this.describe('offer', [], []);
  }

  private trickle(contents: readonly JingleContent[]): Result<RemoteAction, JingleError> {
    if (this.state === 'new') return err(outOfOrder('transport-info'));
    const found = this.contentsState.find(contents);
    if (!found.ok) return found;
    const candidates: TrickleCandidate[] = [];
    let restart = false;
    found.value.forEach((slot, i) => {
      const transport = contents[i]?.transport;
      if (!transport || !slot.remote) return;
      const current = slot.remote.transport;
      slot.remote = { ...slot.remote, transport: mergeTransport(current, transport) };
      if (current && !sameIceCredentials(current, transport)) {
        // New ufrag/pwd: an ICE restart, which needs a new offer/answer.
        restart = true;
        return;
      }
      const ufrag = transport.ufrag ?? current?.ufrag;
      candidates.push(
        ...trickleCandidates(transport, slot.name, this.contentsState.indexOf(slot), ufrag),
      );
    });
    if (!restart) return ok({ kind: 'candidates', candidates });
    const type = this.restarting ? 'answer' : 'offer';
    this.restarting = false;
    return this.describe(type, [], []);
  }

  private describe(
    type: SdpType,
    added: string[],
    removed: string[],
  ): Result<RemoteAction, JingleError> {
    const sdp = this.remoteDescription(type);
    if (!sdp.ok) return sdp;
    return ok({ kind: 'description', type, sdp: sdp.value, added, removed });
  }
}
