/**
 * XEP-0045 Multi-User Chat 1.34, the occupant side for the page: join with a
 * nickname (a taken one gets a number), follow the occupants, chat with plain
 * `<body/>` groupchat messages (so every XMPP client in the room takes part),
 * and hear the focus's dominant-speaker announcements (only from the focus).
 */
import xml, { type Element } from '@xmpp/xml';
import { TypedEmitter } from '../../../common/TypedEmitter';
import { TimeoutError } from '../../../common/errors';
import { createLogger } from '../log';
import { announcedSpeaker } from '../../../client/focusProtocol';
import {
  joinPresence,
  leavePresence,
  parseMucPresence,
  type MucPresence,
} from '../../../client/mucPresence';
import type { XmppConnection } from './XmppConnection';

const log = createLogger('muc');

const NS_DELAY = 'urn:xmpp:delay';
const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const MAX_NICK_ATTEMPTS = 8;

export interface Occupant {
  nick: string;
  /** room@service/nick */
  jid: string;
  role: string;
  affiliation: string;
  self: boolean;
}

export interface ChatMessage {
  id: string;
  nick: string;
  text: string;
  time: Date;
  self: boolean;
  /** Sent before we joined (room history). */
  history: boolean;
}

export type MucEvents = {
  /** Someone came in, left, or changed role: the whole list. */
  occupants: [Occupant[]];
  joined: [Occupant];
  left: [Occupant];
  /** Someone (or we) changed nick. */
  renamed: [from: string, to: string];
  message: [ChatMessage];
  speaker: [nick: string];
  /** A message of ours was refused. */
  messageError: [text: string];
  /** We are out of the room (kicked, room destroyed). */
  lost: [reason: string];
};

export class MucRoom extends TypedEmitter<MucEvents> {
  readonly occupants = new Map<string, Occupant>();
  private _nick = '';
  /** The nick asked for, when the room gave us `nick (2)`. */
  private wantedNick = '';
  /** New nick → old nick, between the two presences of a nick change. */
  private readonly renames = new Map<string, string>();
  private joined = false;
  /** The focus's nick, from its conference answer (see setFocusNick). */
  private focusNick: string | undefined;
  private joinWaiter: { resolve: () => void; reject: (e: Error) => void; nick: string } | null =
    null;
  private readonly onStanza = (stanza: Element): void => this.handle(stanza);

  constructor(
    private readonly xmpp: XmppConnection,
    readonly jid: string,
  ) {
    super();
    xmpp.on('stanza', this.onStanza);
  }

  get nick(): string {
    return this._nick;
  }

  /**
   * The focus's nick, from its conference answer. Speaker announcements count
   * only from this occupant; before the answer, none do.
   */
  setFocusNick(nick: string): void {
    this.focusNick = nick;
  }

  /** Joins with `nick`, or `nick (2)`… when taken. Resolves with the nick in use. */
  async join(
    nick: string,
    options: { history?: number; timeoutMs?: number } = {},
  ): Promise<string> {
    this.joined = false;
    this.occupants.clear();
    this.wantedNick = nick;
    for (let attempt = 1; attempt <= MAX_NICK_ATTEMPTS; attempt++) {
      const tryNick = attempt === 1 ? nick : `${nick} (${attempt})`;
      try {
        await this.tryJoin(tryNick, options.history ?? 50, options.timeoutMs ?? 10000);
        return tryNick;
      } catch (error) {
        if (error instanceof RoomError && error.condition === 'conflict') continue;
        throw error;
      }
    }
    throw new RoomError('conflict', 'That name is taken in this room. Choose another one.');
  }

  private tryJoin(nick: string, history: number, timeoutMs: number): Promise<void> {
    this._nick = nick;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.joinWaiter = null;
        reject(new TimeoutError('The room did not answer in time.'));
      }, timeoutMs);
      this.joinWaiter = {
        nick,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const presence = joinPresence(this.jid, nick, { history });
      this.xmpp.send(presence).catch((e: unknown) => {
        this.joinWaiter = null;
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  }

  /** Sends a chat message to everyone in the room. */
  async say(text: string): Promise<void> {
    await this.xmpp.send(
      xml('message', { to: this.jid, type: 'groupchat', id: randomId() }, xml('body', {}, text)),
    );
  }

  async leave(): Promise<void> {
    this.xmpp.off('stanza', this.onStanza);
    if (!this.joined) return;
    this.joined = false;
    await this.xmpp.send(leavePresence(this.jid, this._nick)).catch(() => {});
  }

  private handle(stanza: Element): void {
    if (stanza.name === 'presence') {
      const presence = parseMucPresence(stanza, this.jid);
      if (presence) this.presence(stanza, presence);
    } else if (stanza.name === 'message') {
      const from = stanza.attrs.from ?? '';
      const slash = from.indexOf('/');
      const bare = slash < 0 ? from : from.slice(0, slash);
      if (bare.toLowerCase() === this.jid.toLowerCase())
        this.message(stanza, slash < 0 ? '' : from.slice(slash + 1));
    }
  }

  private presence(stanza: Element, p: MucPresence): void {
    const nick = p.nick;
    const isSelf = p.self || (nick === this._nick && nick !== '');
    if (p.kind === 'error') {
      if (this.joinWaiter && (nick === this.joinWaiter.nick || nick === '')) {
        const waiter = this.joinWaiter;
        this.joinWaiter = null;
        waiter.reject(roomErrorOf(stanza));
      }
      return; // also a refused nick change: we keep the nick we have
    }
    if (p.kind === 'unavailable') {
      const gone = this.occupants.get(nick);
      this.occupants.delete(nick);
      if (p.codes.has('303')) {
        // A nick change: the presence under the new nick follows.
        if (p.newNick) this.renames.set(p.newNick, nick);
        return;
      }
      if (isSelf) {
        this.joined = false;
        this.emit(
          'lost',
          p.removal === 'kicked'
            ? 'You were removed from the room.'
            : p.removal === 'shutdown'
              ? 'The server is shutting down.'
              : 'The room was closed.',
        );
        return;
      }
      if (gone && this.joined) {
        this.emit('left', gone);
        this.emit('occupants', this.list());
      }
      this.reclaimNick(nick);
      return;
    }
    const occupant: Occupant = {
      nick,
      jid: `${this.jid}/${nick}`,
      role: p.role,
      affiliation: p.affiliation,
      self: isSelf,
    };
    const known = this.occupants.has(nick);
    const renamedFrom = this.renames.get(nick);
    this.renames.delete(nick);
    this.occupants.set(nick, occupant);
    if (isSelf && this.joinWaiter) {
      // Our own presence comes last: the occupant list is complete.
      this._nick = nick;
      this.joined = true;
      const waiter = this.joinWaiter;
      this.joinWaiter = null;
      log.info('joined', { room: this.jid, nick });
      waiter.resolve();
    } else if (renamedFrom !== undefined) {
      if (isSelf) this._nick = nick;
      this.emit('renamed', renamedFrom, nick);
    } else if (!known && this.joined) this.emit('joined', occupant); // not the initial list
    this.emit('occupants', this.list());
  }

  /**
   * When our nick was taken at join (often by our own earlier session, still
   * in the room after a network drop) and its holder leaves, we take it back.
   */
  private reclaimNick(freed: string): void {
    if (!this.joined || freed !== this.wantedNick || this._nick === freed) return;
    log.info('taking back our nick', { nick: freed });
    this.xmpp.send(xml('presence', { to: `${this.jid}/${freed}` })).catch(() => {});
  }

  private message(stanza: Element, nick: string): void {
    if (stanza.attrs.type === 'error') {
      const error = stanza.getChild('error');
      const text = error?.getChildText('text', NS_STANZAS);
      this.emit('messageError', text || 'Your message could not be delivered.');
      return;
    }
    if (stanza.attrs.type !== 'groupchat') return;
    const speaker = announcedSpeaker(stanza, this.jid, this.focusNick);
    if (speaker) this.emit('speaker', speaker);
    if (speaker !== undefined) return; // an announcement, from the focus or forged
    const body = stanza.getChildText('body');
    if (body === null || body.trim() === '' || nick === '') return;
    const delay = stanza.getChild('delay', NS_DELAY);
    const stamp = delay?.attrs.stamp ? new Date(delay.attrs.stamp) : new Date();
    this.emit('message', {
      id: stanza.attrs.id ?? randomId(),
      nick,
      text: body,
      time: Number.isNaN(stamp.getTime()) ? new Date() : stamp,
      self: nick === this._nick,
      history: delay !== undefined,
    });
  }

  list(): Occupant[] {
    return [...this.occupants.values()];
  }
}

export class RoomError extends Error {
  override readonly name = 'RoomError';
  constructor(
    readonly condition: string,
    message: string,
  ) {
    super(message);
  }
}

function roomErrorOf(stanza: Element): RoomError {
  const error = stanza.getChild('error');
  const condition =
    error?.getChildElements().find((c) => c.getNS() === NS_STANZAS && c.name !== 'text')?.name ??
    'undefined-condition';
  const text = error?.getChildText('text', NS_STANZAS) ?? '';
  const messages: Record<string, string> = {
    conflict: 'That name is taken in this room.',
    forbidden: 'You are banned from this room.',
    'not-allowed': 'This room cannot be created.',
    'registration-required': 'This room is for members only.',
    'not-authorized': 'This room needs a password.',
    'service-unavailable': 'This room is full.',
    'item-not-found': 'This room does not exist.',
  };
  return new RoomError(condition, text || messages[condition] || `The room refused: ${condition}.`);
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 12);
}
