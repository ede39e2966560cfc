/**
 * XEP-0215 External Service Discovery 1.0 (urn:xmpp:extdisco:2), the client
 * side: ask the user's server for STUN/TURN services and turn the answer into
 * RTCPeerConnection iceServers. Prosody issues the TURN credentials.
 */
import xml, { type Element } from '@xmpp/xml';

export const NS_EXTDISCO = 'urn:xmpp:extdisco:2';

/** The IQ payload to send (type get) to the user's own domain. */
export function servicesRequest(): Element {
  return xml('services', { xmlns: NS_EXTDISCO });
}

/** STUN and TURN services of a `<services/>` answer as iceServers; others are ignored. */
export function iceServersFrom(services: Element | undefined): RTCIceServer[] {
  const result: RTCIceServer[] = [];
  for (const s of services?.getChildren('service') ?? []) {
    const { type, host, port, transport, username, password } = s.attrs;
    if (!host || !type || !['stun', 'turn', 'turns'].includes(type)) continue;
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(host) || (port && !/^\d{1,5}$/.test(port))) continue;
    const address = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const url = `${type}:${address}${port ? `:${port}` : ''}${type !== 'stun' && transport ? `?transport=${transport}` : ''}`;
    if (type === 'stun') result.push({ urls: url });
    else if (username && password) result.push({ urls: url, username, credential: password });
  }
  return result;
}
