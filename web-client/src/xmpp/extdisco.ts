/**
 * XEP-0215 External Service Discovery 1.0: asks the user's server for its
 * STUN and TURN services (Confab's TURN, with short-lived credentials) and
 * turns them into RTCIceServer entries. No services, or a server that does
 * not answer, means no ICE servers: the focus is reachable directly.
 */
import xml, { type Element } from '@xmpp/xml';
import type { XmppConnection } from './XmppConnection';

export const NS_EXTDISCO = 'urn:xmpp:extdisco:2';

export async function discoverIceServers(
  xmpp: XmppConnection,
  domain: string,
  timeoutMs = 5000,
): Promise<RTCIceServer[]> {
  try {
    const result = await xmpp.iq('get', domain, xml('services', { xmlns: NS_EXTDISCO }), timeoutMs);
    return iceServersFrom(result.getChild('services', NS_EXTDISCO));
  } catch {
    return [];
  }
}

export function iceServersFrom(services: Element | undefined): RTCIceServer[] {
  const servers: RTCIceServer[] = [];
  for (const service of services?.getChildren('service') ?? []) {
    const { type, host, port, transport, username, password } = service.attrs;
    if (!host || (type !== 'stun' && type !== 'turn' && type !== 'turns')) continue;
    if (type !== 'stun' && (!username || !password)) continue;
    const address = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    let url = `${type}:${address}${port ? `:${port}` : ''}`;
    if (type !== 'stun' && transport) url += `?transport=${transport}`;
    servers.push(type === 'stun' ? { urls: url } : { urls: url, username, credential: password });
  }
  return servers;
}
