/** XEP-0199 XMPP Ping 2.0.1: answers pings to the component. */
import { DONE, type IqRouter } from './IqRouter';
import type { Disco } from './Disco';

export const NS_PING = 'urn:xmpp:ping';

export function registerPing(router: IqRouter, disco: Disco): void {
  disco.addFeature(NS_PING);
  router.get(NS_PING, 'ping', () => DONE);
}
