/**
 * XEP-0215 External Service Discovery 1.0: asks the user's server for its
 * STUN and TURN services (Confab's TURN, with short-lived credentials) and
 * gives them as RTCIceServer entries; the translation is the participant
 * library's. No services, or a server that does not answer, means no ICE
 * servers: the focus is reachable directly.
 */
import { iceServersFrom, NS_EXTDISCO, servicesRequest } from '../../../client/externalServices';
import type { XmppConnection } from './XmppConnection';

export async function discoverIceServers(
  xmpp: XmppConnection,
  domain: string,
  timeoutMs = 5000,
): Promise<RTCIceServer[]> {
  try {
    const result = await xmpp.iq('get', domain, servicesRequest(), timeoutMs);
    return iceServersFrom(result.getChild('services', NS_EXTDISCO));
  } catch {
    return [];
  }
}
