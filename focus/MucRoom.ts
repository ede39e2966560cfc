/**
 * XEP-0045 Multi-User Chat 1.34, the occupant side, for the focus: join a
 * room, follow its occupants from presence (real JIDs are visible because the
 * focus is a room owner), speak in it, and leave.
 */
import xml, { type Element } from '@xmpp/xml';
import { createLogger, type Logger } from '../common/logger';
import { InvalidStateError, TimeoutError } from '../common/errors';
import { TypedEmitter } from '../common/TypedEmitter';
import { StanzaError } from '../component/StanzaError';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

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
  left: [Occupant, { kicked: boolean }];
  /** The focus itself is out of the room (kicked, room destroyed, or error). */
  lost: [reason: string];
  message: [Element];
};

/** The connection the room talks through (the component). */
export interface StanzaSender {
  send(stanza: Element): Promise<void>;
}

export class MucRoom extends TypedEmitter<MucRoomEvents> {
  readonly occupants = new Map<string, Occupant>();
  private selfNick: string;
  private joinedSelf = false;
  private joining: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed = false;
  private readonly log: Logger;

  constructor(
    readonly jid: string,
    /** The focus's own JID, e.g. focus@focus.example.org/focus. */
    private readonly selfJid: string,
    nick: string,
    private readonly sender: StanzaSender,
  ) {
    super();
    this.selfNick = nick;
    this.log = createLogger('focus:muc', { room: jid });
  }

  get nick(): string {
    return this.selfNick;
  }

  get joined(): boolean {
    return this.joinedSelf;
  }

  /** Joins the room; retries once with another nick on a nickname conflict. */
  async join(timeoutMs: number): Promise<void> {
    if (this.closed) throw new InvalidStateError('room closed');
    if (this.joinedSelf) return;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.joinOnce(timeoutMs);
        return;
      } catch (error) {
        if (!(error instanceof StanzaError && error.condition === 'conflict') || attempt > 0)
          throw error;
        this.selfNick = `${this.selfNick}-${Math.random().toString(36).slice(2, 6)}`;
      }
    }
  }

  private joinOnce(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.joining = null;
        reject(new TimeoutError(`no answer from ${this.jid} to the focus joining`));
      }, timeoutMs);
      this.joining = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      void this.sender
        .send(
          xml(
            'presence',
            { from: this.selfJid, to: `${this.jid}/${this.selfNick}` },
            // No history: the focus does not read the chat.
            xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: 0 })),
          ),
        )
        .catch((e: Error) => this.joining?.reject(e));
    });
  }

  /** Feeds a presence or message addressed from this room. */
  handle(stanza: Element): void {
    if (this.closed) return;
    if (stanza.name === 'presence') this.handlePresence(stanza);
    else if (stanza.name === 'message') this.emit('message', stanza);
  }

  private handlePresence(presence: Element): void {
    const from = presence.attrs.from ?? '';
    const nick = from.slice(this.jid.length + 1);
    const x = presence.getChild('x', NS_MUC_USER);
    const codes = new Set((x?.getChildren('status') ?? []).map((s) => s.attrs.code));
    const isSelf = codes.has('110') || nick === this.selfNick;

    if (presence.attrs.type === 'error') {
      const error = StanzaError.fromStanza(presence) ?? new StanzaError('undefined-condition');
      if (this.joining) {
        this.joining.reject(error);
        this.joining = null;
      } else if (isSelf) {
        this.lose(`presence error ${error.condition}`);
      }
      return;
    }

    if (isSelf) {
      if (presence.attrs.type === 'unavailable') {
        this.lose(
          codes.has('307')
            ? 'kicked'
            : codes.has('301')
              ? 'banned'
              : x?.getChild('destroy')
                ? 'destroyed'
                : 'left',
        );
        return;
      }
      if (!this.joinedSelf) {
        this.joinedSelf = true;
        this.joining?.resolve();
        this.joining = null;
        this.log.info('joined', { nick: this.selfNick });
      }
      return;
    }

    const item = x?.getChild('item');
    if (presence.attrs.type === 'unavailable') {
      const gone = this.occupants.get(nick);
      if (!gone) return;
      this.occupants.delete(nick);
      // A nick change (303) is a leave then a join under the new nick.
      this.emit('left', gone, { kicked: codes.has('307') || codes.has('301') });
      return;
    }
    if (presence.attrs.type) return;
    const occupant: Occupant = {
      nick,
      occupantJid: from,
      realJid: item?.attrs.jid,
      role: item?.attrs.role ?? 'participant',
      affiliation: item?.attrs.affiliation ?? 'none',
      presence,
    };
    const known = this.occupants.has(nick);
    this.occupants.set(nick, occupant);
    this.emit(known ? 'updated' : 'joined', occupant);
  }

  /** The occupant whose real JID is `jid`, if any. */
  occupantByRealJid(jid: string): Occupant | undefined {
    for (const occupant of this.occupants.values()) if (occupant.realJid === jid) return occupant;
    return undefined;
  }

  /** Sends a groupchat message (a body, extension elements, or both). */
  async sendGroupchat(...children: Element[]): Promise<void> {
    if (this.closed || !this.joinedSelf) return;
    await this.sender.send(
      xml('message', { from: this.selfJid, to: this.jid, type: 'groupchat' }, ...children),
    );
  }

  /** Leaves the room (unavailable presence). Safe to call twice. */
  async leave(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const wasJoined = this.joinedSelf;
    this.joinedSelf = false;
    this.occupants.clear();
    if (wasJoined) {
      await this.sender
        .send(
          xml('presence', {
            from: this.selfJid,
            to: `${this.jid}/${this.selfNick}`,
            type: 'unavailable',
          }),
        )
        .catch(() => {});
    }
    this.removeAllListeners();
  }

  private lose(reason: string): void {
    this.log.warn('focus is out of the room', { reason });
    this.joinedSelf = false;
    this.closed = true;
    this.occupants.clear();
    this.emit('lost', reason);
    this.removeAllListeners();
  }
}
