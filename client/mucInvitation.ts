/**
 * Invitations to a MUC room. Sent as XEP-0249 Direct MUC Invitations 1.2
 * (`<x xmlns='jabber:x:conference'/>` straight to the invitee), with a body
 * that says the same in words for clients without XEP-0249. Received both
 * ways: direct, and XEP-0045 1.34 §7.8.2 mediated invitations (the room
 * forwards `<invite/>` in `muc#user`). The room's web link travels in the
 * reason. Pure codec.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS_MUC_USER } from './mucPresence';

export const NS_CONFERENCE = 'jabber:x:conference';
const MAX_REASON = 1024;

export interface MucInvitation {
  /** The room's bare JID. */
  room: string;
  /** Who invites (a bare or full JID). */
  from: string;
  reason?: string;
  password?: string;
  /** The first http(s) link in the reason: the room's web address. */
  url?: string;
  kind: 'direct' | 'mediated';
}

/** A direct invitation (XEP-0249) to `to` for `room`. */
export function directInvitation(
  to: string,
  invite: { room: string; reason?: string; password?: string },
): Element {
  const x = xml('x', { xmlns: NS_CONFERENCE, jid: invite.room });
  if (invite.reason) x.attrs.reason = invite.reason;
  if (invite.password) x.attrs.password = invite.password;
  return xml(
    'message',
    { to, id: randomId() },
    x,
    xml('body', {}, invite.reason ?? `You are invited to ${invite.room}`),
  );
}

/** The invitation a message carries, or null (also for malformed ones). */
export function parseInvitation(message: Element): MucInvitation | null {
  if (message.name !== 'message' || message.attrs.type === 'error') return null;
  const sender = message.attrs.from ?? '';
  const direct = message.getChild('x', NS_CONFERENCE);
  if (direct) {
    const room = direct.attrs.jid ?? '';
    if (!isBareJid(room)) return null;
    return withDetails(
      { room, from: sender, kind: 'direct' },
      direct.attrs.reason,
      direct.attrs.password,
    );
  }
  const invite = message.getChild('x', NS_MUC_USER)?.getChild('invite');
  if (invite) {
    const room = sender.split('/')[0] ?? '';
    if (!isBareJid(room)) return null;
    return withDetails(
      { room, from: invite.attrs.from ?? room, kind: 'mediated' },
      invite.getChildText('reason') ?? undefined,
      message.getChild('x', NS_MUC_USER)?.getChildText('password') ?? undefined,
    );
  }
  return null;
}

function withDetails(
  base: MucInvitation,
  reason: string | undefined,
  password: string | undefined,
): MucInvitation {
  const result = { ...base };
  const text = reason?.trim().slice(0, MAX_REASON);
  if (text) {
    result.reason = text;
    const url = /https?:\/\/[^\s<>"']+/.exec(text)?.[0];
    if (url) result.url = url.replace(/[.,;:!?)]+$/, '');
  }
  if (password) result.password = password;
  return result;
}

function isBareJid(jid: string): boolean {
  return /^[^@/\s]+@[^@/\s]+$/.test(jid) && jid.length <= 3071;
}

function randomId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
