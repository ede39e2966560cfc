/**
 * XMPP addresses as people type and read them: `bob` or `xmpp:bob@host`
 * becomes a bare JID, and a JID is shown by its local part.
 */

/** A bare JID from what the person typed: `bob` means bob@<our domain>. Null when unusable. */
export function calleeJid(typed: string, domain: string): string | null {
  let text = typed.trim().replace(/^xmpp:/i, '');
  text = text.split('?')[0] ?? '';
  if (text.includes('@') && text.split('@').length !== 2) return null;
  if (!text.includes('@')) text = `${text}@${domain}`;
  const [local = '', host = ''] = text.split('@');
  if (!/^[^\s"&'/:<>@]{1,1023}$/.test(local)) return null;
  if (!/^[a-z0-9.-]{1,253}$/i.test(host) || host.startsWith('.')) return null;
  return `${local.toLowerCase()}@${host.toLowerCase()}`;
}

/** A readable name for a JID: its local part, or the whole JID when it has none. */
export function displayName(jid: string): string {
  const bare = jid.split('/')[0] ?? jid;
  const at = bare.indexOf('@');
  return at > 0 ? bare.slice(0, at) : bare;
}
