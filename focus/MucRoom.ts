/**
 * XEP-0045 Multi-User Chat 1.34, the occupant side, for the focus: find out
 * whether a room exists, join it, follow its occupants from presence (real
 * JIDs are visible because the focus is a room owner), speak in it, and
 * leave. Presence is read by client/mucPresence.
 */
import xml, { type Element } from '@xmpp/xml';
import { createLogger, type Logger } from '../common/logger';
import { InvalidStateError, TimeoutError } from '../common/errors';
import { TypedEmitter } from '../common/TypedEmitter';
import { StanzaError } from '../component/StanzaError';
import { joinPresence, leavePresence, parseMucPresence } from '../client/mucPresence';

const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

export interface Occupant {
  /** Nickname: the resource of the occupant JID. */
  nick: string;
  /** room@service/nick */
  occupantJid: string;
  /** The occupant's real full JID, if the room reveals it to the focus. */
  realJid: string | undefined;
  role: string;
  affiliation: string;
  /** The last presence received, for extensions (muting, display name…). */
  presence: Element;
}

export type MucRoomEvents = {
  joined: [Occupant];
  updated: [Occupant];
  /** A nick change (status 303): the same occupant under a new nick. */
  renamed: [from: Occupant, to: Occupant];
  left: [Occupant, { kicked: boolean }];
  /** The focus itself is out of the room (kicked, room destroyed, or error). */
  lost: [reason: string];
  message: [Element];
};

/** The connection the room talks through (the component). */
export interface StanzaSender {
  send(stanza: Element): Promise<void>;
  request(iq: Element, timeoutMs?: number): Promise<Element>;
}

export class MucRoom extends TypedEmitter<MucRoomEvents> {
  readonly #occupants = new Map<string, Occupant>();
  /** New nick → the occupant before a nick change, between its two presences. */
  readonly #renames = new Map<string, Occupant>();
  #nick: string;
  #joined = false;
  #joining: { resolve: () => void; reject: (e: Error) => void } | null = null;
  #join: Promise<void> | null = null;
  #closed = false;
  readonly #log: Logger;

  constructor(
    readonly jid: string,
    /** The focus's own JID, e.g. focus@focus.example.org/focus. */
    private readonly selfJid: string,
    nick: string,
    private readonly sender: StanzaSender,
  ) {
    super();
    this.#nick = nick;
    this.#log = createLogger('focus:muc', { room: jid });
  }

  get nick(): string {
    return this.#nick;
  }

  get joined(): boolean {
    return this.#joined;
  }

  get occupants(): ReadonlyMap<string, Occupant> {
    return this.#occupants;
  }

  /**
   * Whether the room exists (disco#info, XEP-0045 §6.4), without creating it:
   * a room nobody is in cannot hold the requester.
   */
  async exists(timeoutMs: number): Promise<boolean> {
    try {
      await this.sender.request(
        xml(
          'iq',
          { type: 'get', to: this.jid, from: this.selfJid },
          xml('query', { xmlns: NS_DISCO_INFO }),
        ),
        timeoutMs,
      );
      return true;
    } catch (error) {
      if (error instanceof StanzaError && error.condition === 'item-not-found') return false;
      // Any other answer comes from a room that is there (e.g. one that hides its details).
      if (error instanceof StanzaError) return true;
      throw error;
    }
  }

  /** Joins the room; retries once with another nick on a nickname conflict. Callers share a join. */
  join(timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.reject(new InvalidStateError('room closed'));
    if (this.#joined) return Promise.resolve();
    this.#join ??= this.joinWithRetry(timeoutMs).finally(() => (this.#join = null));
    return this.#join;
  }

  private async joinWithRetry(timeoutMs: number): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.joinOnce(timeoutMs);
        return;
      } catch (error) {
        if (!(error instanceof StanzaError && error.condition === 'conflict') || attempt > 0)
          throw error;
        this.#nick = `${this.#nick}-${Math.random().toString(36).slice(2, 6)}`;
      }
    }
  }

  private joinOnce(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#joining = null;
        reject(new TimeoutError(`no answer from ${this.jid} to the focus joining`));
      }, timeoutMs);
      this.#joining = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      // No history: the focus does not read the chat.
      this.sender
        .send(joinPresence(this.jid, this.#nick, { from: this.selfJid }))
        .catch((e: Error) => this.#joining?.reject(e));
    });
  }

  /**
   * The link to the server is down: the focus's view of the room is stale.
   * Forgets the occupants without telling anyone; join() starts again.
   */
  suspend(): void {
    this.#joined = false;
    this.#occupants.clear();
    this.#renames.clear();
  }

  /** Feeds a presence or message addressed from this room. */
  handle(stanza: Element): void {
    if (this.#closed) return;
    if (stanza.name === 'message') this.emit('message', stanza);
    if (stanza.name !== 'presence') return;
    const p = parseMucPresence(stanza, this.jid);
    if (!p) return;
    const isSelf = p.self || p.nick === this.#nick;

    if (p.kind === 'error') {
      const error = StanzaError.fromStanza(stanza) ?? new StanzaError('undefined-condition');
      if (this.#joining) {
        this.#joining.reject(error);
        this.#joining = null;
      } else if (isSelf) {
        this.lose(`presence error ${error.condition}`);
      }
      return;
    }

    if (isSelf) {
      if (p.kind === 'unavailable') {
        if (p.newNick)
          this.#nick = p.newNick; // renamed by the room
        else this.lose(p.removal ?? 'left');
        return;
      }
      if (!this.#joined) {
        this.#joined = true;
        this.#joining?.resolve();
        this.#joining = null;
        this.#log.info('joined', { nick: this.#nick });
      }
      return;
    }

    if (p.kind === 'unavailable') {
      const gone = this.#occupants.get(p.nick);
      if (!gone) return;
      this.#occupants.delete(p.nick);
      if (p.newNick) this.#renames.set(p.newNick, gone);
      else this.emit('left', gone, { kicked: p.removal === 'kicked' || p.removal === 'banned' });
      return;
    }
    const occupant: Occupant = {
      nick: p.nick,
      occupantJid: `${this.jid}/${p.nick}`,
      realJid: p.realJid,
      role: p.role,
      affiliation: p.affiliation,
      presence: stanza,
    };
    const known = this.#occupants.has(p.nick);
    this.#occupants.set(p.nick, occupant);
    const renamedFrom = this.#renames.get(p.nick);
    this.#renames.delete(p.nick);
    if (renamedFrom) this.emit('renamed', renamedFrom, occupant);
    else this.emit(known ? 'updated' : 'joined', occupant);
  }

  /** The occupant whose real JID is `jid`, if any. */
  occupantByRealJid(jid: string): Occupant | undefined {
    for (const occupant of this.#occupants.values()) if (occupant.realJid === jid) return occupant;
    return undefined;
  }

  /** Sends a groupchat message (a body, extension elements, or both). */
  async sendGroupchat(...children: Element[]): Promise<void> {
    if (this.#closed || !this.#joined) return;
    await this.sender.send(
      xml('message', { from: this.selfJid, to: this.jid, type: 'groupchat' }, ...children),
    );
  }

  /** Leaves the room (unavailable presence). Safe to call twice. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const wasJoined = this.#joined;
    this.suspend();
    if (wasJoined) {
      await this.sender.send(leavePresence(this.jid, this.#nick, this.selfJid)).catch(() => {});
    }
    this.removeAllListeners();
  }

  private lose(reason: string): void {
    this.#log.warn('focus is out of the room', { reason });
    this.#closed = true;
    this.suspend();
    this.emit('lost', reason);
    this.removeAllListeners();
  }
}
