/**
 * Strict JID parsing (RFC 7622, the parts that matter at the boundary):
 * returns null instead of guessing, so bad addresses become bad-request.
 */
export interface Jid {
  local: string;
  domain: string;
  resource: string;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN_LOCAL = /[\s"&'/:<>@\u0000-\u001f\u007f]/u;
const DOMAIN =
  /^(?:\[[0-9a-f:.]+\]|[\p{L}\p{N}]([\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}]([\p{L}\p{N}-]{0,62}[\p{L}\p{N}])?)*)$/iu;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseJid(value: string): Jid | null {
  if (!value || value.length > 3071) return null;
  const slash = value.indexOf('/');
  const bare = slash >= 0 ? value.slice(0, slash) : value;
  const resource = slash >= 0 ? value.slice(slash + 1) : '';
  if (slash >= 0 && (!resource || resource.length > 1023 || CONTROL.test(resource))) return null;
  const at = bare.indexOf('@');
  const local = at >= 0 ? bare.slice(0, at) : '';
  const domain = (at >= 0 ? bare.slice(at + 1) : bare).replace(/\.$/, '');
  if (at >= 0 && (!local || local.length > 1023 || FORBIDDEN_LOCAL.test(local))) return null;
  if (!domain || domain.length > 1023 || !DOMAIN.test(domain)) return null;
  return { local, domain: domain.toLowerCase(), resource };
}

export function bareJid(jid: Jid): string {
  return jid.local ? `${jid.local}@${jid.domain}` : jid.domain;
}
