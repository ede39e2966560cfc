/**
 * XEP-0045 Multi-User Chat 1.34, occupant presence: the join and leave
 * stanzas, and what a room presence says (who, ourselves or not, a nick
 * change, a removal, the real JID a moderator sees). Pure; the focus, the
 * web client and the bots all read room presence here.
 */
import xml, { type Element } from '@xmpp/xml';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

export interface MucPresence {
  /** The occupant's nick: the resource of the room JID ('' from the bare room). */
  nick: string;
  kind: 'available' | 'unavailable' | 'error';
  /** Status 110: the presence is about the receiver itself. */
  self: boolean;
  /** Status 303 on an unavailable presence: the occupant now goes by this nick. */
  newNick: string | undefined;
  /** Why an occupant was removed (status 307, 301, 332 or a destroyed room). */
  removal: 'kicked' | 'banned' | 'shutdown' | 'destroyed' | undefined;
  /** The occupant's real full JID, when the room shows it to the receiver. */
  realJid: string | undefined;
  role: string;
  affiliation: string;
  /** All status codes. */
  codes: ReadonlySet<string>;
}

/** The bare part of a JID, lower-cased (room JIDs compare case-insensitively). */
function bareLower(jid: string): string {
  const slash = jid.indexOf('/');
  return (slash < 0 ? jid : jid.slice(0, slash)).toLowerCase();
}

/**
 * Reads a presence from `room` (a bare room JID). Returns null for stanzas
 * from elsewhere and for presence types that are not about occupancy.
 */
export function parseMucPresence(stanza: Element, room: string): MucPresence | null {
  if (stanza.name !== 'presence') return null;
  const from = stanza.attrs.from ?? '';
  if (bareLower(from) !== room.toLowerCase()) return null;
  const type = stanza.attrs.type;
  const kind =
    type === undefined ? 'available' : type === 'unavailable' || type === 'error' ? type : null;
  if (!kind) return null;
  const slash = from.indexOf('/');
  const x = stanza.getChild('x', NS_MUC_USER);
  const item = x?.getChild('item');
  const codes = new Set<string>();
  for (const status of x?.getChildren('status') ?? []) {
    if (status.attrs.code) codes.add(status.attrs.code);
  }
  const removal = codes.has('307')
    ? 'kicked'
    : codes.has('301')
      ? 'banned'
      : codes.has('332')
        ? 'shutdown'
        : x?.getChild('destroy')
          ? 'destroyed'
          : undefined;
  return {
    nick: slash < 0 ? '' : from.slice(slash + 1),
    kind,
    self: codes.has('110'),
    newNick: kind === 'unavailable' && codes.has('303') ? item?.attrs.nick : undefined,
    removal: kind === 'unavailable' ? removal : undefined,
    realJid: item?.attrs.jid,
    role: item?.attrs.role ?? 'participant',
    affiliation: item?.attrs.affiliation ?? 'none',
    codes,
  };
}

/** The presence that joins `room` as `nick`, with `history` messages of history. */
export function joinPresence(
  room: string,
  nick: string,
  options: { history?: number; from?: string } = {},
): Element {
  return xml(
    'presence',
    { to: `${room}/${nick}`, from: options.from },
    xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: options.history ?? 0 })),
  );
}

/** The presence that leaves `room`. */
export function leavePresence(room: string, nick: string, from?: string): Element {
  return xml('presence', { to: `${room}/${nick}`, from, type: 'unavailable' });
}
