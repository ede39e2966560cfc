/**
 * The conference focus at focus.<domain>: answers conference requests, routes
 * Jingle IQs and receive constraints to the conference that owns the session,
 * routes room presence and messages to the conferences' rooms, tells the
 * conferences when the link to the XMPP server drops and comes back, keeps
 * who has a session across restarts, and keeps the counts. It talks to a
 * conference only through its methods and events.
 *
 * Every sender has a budget of conference requests and of other IQs; beyond
 * it the answer is resource-constraint, then policy-violation.
 */
import type { Element } from '@xmpp/xml';
import type { JID } from '@xmpp/jid';
import { NS, parseJingle } from '../jingle';
import type { ComponentConnection } from '../component/ComponentConnection';
import type { IqRequest, IqResult } from '../component/IqRouter';
import { StanzaError } from '../component/StanzaError';
import { parseJid, bareJid } from '../component/jid';
import { fromJingleError, unknownSession } from '../component/jingleErrors';
import { createLogger } from '../common/logger';
import { TypedEmitter } from '../common/TypedEmitter';
import {
  conferenceReady,
  NS_FOCUS,
  NS_RECEIVE,
  parseReceiveConstraints,
} from '../client/focusProtocol';
import type { FocusConfig } from './config';
import { Conference } from './Conference';
import { validateConferenceRequest, type RequestPolicy } from './ConferenceRequest';
import { MucRoom } from './MucRoom';
import type { Participant } from './Participant';
import { SenderBudget, type BudgetVerdict } from './SenderBudget';
import { Signaling } from './Signaling';
import type { SavedState, SessionStore } from './savedSessions';
import type { Sfu, SfuCounts } from './sfu/Sfu';

const log = createLogger('focus');
/** A saved state older than this is not restored: those sessions are long gone. */
const MAX_SAVED_AGE_MS = 10 * 60 * 1000;
/** The saved state is rewritten this often while sessions exist, so that its age means something. */
const SAVE_REFRESH_MS = 60 * 1000;

export interface FocusOptions {
  /** The user domain, e.g. example.org. */
  domain: string;
  /** Extra domains whose users count as local (the guest host). */
  localDomains: string[];
  mucDomain: string;
  config: FocusConfig;
  /** Where sessions are kept across restarts; without it, a restarted focus starts empty. */
  store?: SessionStore;
}

export interface FocusCounts extends SfuCounts {
  conferences: number;
  /** Rooms the focus is in. */
  rooms: number;
  participants: number;
  /** Stanzas the focus has sent since start. */
  stanzasSent: number;
}

export type FocusEvents = {
  /** A participant's media connected for the first time, `seconds` after its invitation. */
  joined: [seconds: number];
  /** A request went over its sender's budget. */
  limited: [kind: 'request' | 'iq', verdict: Exclude<BudgetVerdict, 'ok'>];
};

export class Focus extends TypedEmitter<FocusEvents> {
  readonly #conferences = new Map<string, Conference>();
  /** Session id → its conference. */
  readonly #sessions = new Map<string, Conference>();
  readonly #signaling: Signaling;
  readonly #policy: RequestPolicy;
  readonly #bareJid: string;
  readonly #requestBudget: SenderBudget;
  readonly #iqBudget: SenderBudget;
  #restored = false;
  #closed = false;
  #saveTimer: NodeJS.Timeout | null = null;
  #refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly component: ComponentConnection,
    private readonly sfu: Sfu,
    private readonly options: FocusOptions,
  ) {
    super();
    const focusDomain = component.options.domain;
    const config = options.config;
    this.#bareJid = `focus@${focusDomain}`;
    this.#signaling = new Signaling(component, `${this.#bareJid}/focus`, config.requestTimeoutMs);
    this.#policy = {
      mucDomain: options.mucDomain,
      localDomains: new Set(
        [options.domain, ...options.localDomains, focusDomain].map((d) => d.toLowerCase()),
      ),
      remoteDomains: config.remoteDomains,
    };
    this.#requestBudget = new SenderBudget(config.requestBudget);
    this.#iqBudget = new SenderBudget(config.iqBudget);
    // prettier-ignore
    for (const feature of [
      NS_FOCUS, NS.JINGLE, NS.RTP, 'urn:xmpp:jingle:apps:rtp:audio', 'urn:xmpp:jingle:apps:rtp:video',
      NS.ICE_UDP, NS.DTLS, NS.GROUPING, NS.SSMA, NS.RTCP_FB, NS.RTP_HDREXT, NS_RECEIVE,
    ]) component.disco.addFeature(feature);
    component.router.set(NS_FOCUS, 'conference', (r) => this.conferenceRequest(r));
    component.router.set(NS.JINGLE, 'jingle', (r) => this.jingle(r));
    component.router.set(NS_RECEIVE, 'constraints', (r) => this.receiveConstraints(r));
    component.on('stanza', (stanza) => this.routeRoomStanza(stanza));
    component.on('offline', () => {
      for (const c of this.#conferences.values()) c.linkDown();
    });
    component.on('online', () => {
      if (this.#restored) for (const c of this.#conferences.values()) c.linkUp();
      else this.restore();
    });
  }

  /** The conference of a room, if there is one (for tests and tools: ask, don't drive). */
  conference(room: string): Conference | undefined {
    return this.#conferences.get(room);
  }

  private async conferenceRequest({ payload, from }: IqRequest): Promise<IqResult> {
    if (this.#closed) return new StanzaError('service-unavailable', 'the focus is shutting down');
    const limited = this.limit(this.#requestBudget, from, 'request');
    if (limited) return limited;
    const request = validateConferenceRequest(payload, from.toString(), this.#policy);
    if (request instanceof StanzaError) {
      log.info('conference request refused', {
        from: from.toString(),
        room: payload.attrs.room,
        reason: request.text,
      });
      return request;
    }
    const conference = this.#conferences.get(request.room) ?? this.open(request.room);
    const refusal = await conference.request(request.requester);
    if (refusal) return refusal;
    return conferenceReady(request.room, {
      focusJid: this.#bareJid,
      focusNick: conference.focusNick,
    });
  }

  private async jingle({ payload, from }: IqRequest): Promise<IqResult> {
    const limited = this.limit(this.#iqBudget, from, 'iq');
    if (limited) return limited;
    const session = this.session(payload.attrs.sid, from);
    if (!session) return unknownSession();
    const parsed = parseJingle(payload);
    if (!parsed.ok) return fromJingleError(parsed.error);
    return session.conference.jingle(session.participant, parsed.value);
  }

  private async receiveConstraints({ payload, from }: IqRequest): Promise<IqResult> {
    const limited = this.limit(this.#iqBudget, from, 'iq');
    if (limited) return limited;
    const request = parseReceiveConstraints(payload);
    if (!request.ok) return new StanzaError('bad-request', request.error);
    const session = this.session(request.value.sid, from);
    if (!session) return unknownSession();
    return session.conference.receiveConstraints(session.participant, request.value.constraints);
  }

  /** The conference and participant of a session, only for the JID that owns it. */
  private session(
    sid: string | undefined,
    from: JID,
  ): { conference: Conference; participant: Participant } | undefined {
    const conference = sid ? this.#sessions.get(sid) : undefined;
    const participant = sid ? conference?.participantBySid(sid) : undefined;
    if (!conference || participant?.jid !== from.toString()) return undefined;
    return { conference, participant };
  }

  private limit(budget: SenderBudget, from: JID, kind: 'request' | 'iq'): StanzaError | null {
    const verdict = budget.take(bareJid(from).toLowerCase());
    if (verdict === 'ok') return null;
    this.emit('limited', kind, verdict);
    return verdict === 'wait'
      ? new StanzaError('resource-constraint', 'too many requests; slow down')
      : new StanzaError('policy-violation', 'request flood: requests are refused for a while');
  }

  private open(room: string): Conference {
    const muc = new MucRoom(
      room,
      this.#signaling.focusJid,
      this.options.config.nick,
      this.component,
    );
    const conference = new Conference(room, {
      sfu: this.sfu,
      muc,
      signaling: this.#signaling,
      config: this.options.config,
    });
    this.#conferences.set(room, conference);
    conference.on('session', (sid, change) => {
      if (change === 'started') this.#sessions.set(sid, conference);
      else if (this.#sessions.get(sid) === conference) this.#sessions.delete(sid);
    });
    conference.on('connected', (seconds) => this.emit('joined', seconds));
    conference.on('changed', () => this.scheduleSave());
    conference.on('closed', () => {
      if (this.#conferences.get(room) === conference) this.#conferences.delete(room);
      this.scheduleSave();
    });
    return conference;
  }

  private routeRoomStanza(stanza: Element): void {
    const from = parseJid(stanza.attrs.from ?? '');
    if (!from || from.domain !== this.options.mucDomain) return;
    this.#conferences.get(bareJid(from).toLowerCase())?.roomStanza(stanza);
  }

  // --- sessions across restarts --------------------------------------------------------------

  /** First time online: bring back the sessions of a focus that ran before. */
  private restore(): void {
    this.#restored = true;
    const store = this.options.store;
    if (!store) return;
    this.#refreshTimer = setInterval(() => this.save(), SAVE_REFRESH_MS).unref();
    let state: SavedState | null = null;
    try {
      state = store.load();
    } catch (error) {
      log.warn('cannot read the saved sessions', { error });
    }
    if (!state || Date.now() - state.savedAt > MAX_SAVED_AGE_MS) return;
    for (const saved of state.conferences) {
      if (!saved.sessions.length || this.#conferences.has(saved.room)) continue;
      log.info('bringing back a conference', { room: saved.room, sessions: saved.sessions.length });
      this.open(saved.room).resume(saved.sessions);
    }
  }

  private scheduleSave(): void {
    if (this.#closed || !this.options.store || this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.save();
    }, 200);
  }

  private save(): void {
    const conferences = [...this.#conferences.values()]
      .map((c) => ({ room: c.room, sessions: c.snapshot() }))
      .filter((c) => c.sessions.length > 0);
    try {
      this.options.store?.save({ savedAt: Date.now(), conferences });
    } catch (error) {
      log.warn('cannot save the sessions', { error });
    }
  }

  counts(): FocusCounts {
    let participants = 0;
    let rooms = 0;
    for (const c of this.#conferences.values()) {
      participants += c.counts().participants;
      if (c.inRoom) rooms++;
    }
    return {
      ...this.sfu.counts(),
      conferences: this.#conferences.size,
      rooms,
      participants,
      stanzasSent: this.#signaling.sentStanzas,
    };
  }

  /**
   * Stops: the sessions are saved, then ended with connectivity-error (a
   * restarted focus offers new ones; see docs/operations.md).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#restored) this.save();
    this.#closed = true;
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    const reason = {
      condition: 'connectivity-error' as const,
      text: 'the focus is restarting; a new session follows',
    };
    await Promise.all(
      [...this.#conferences.values()].map((c) => c.close('focus stopping', reason)),
    );
  }
}
