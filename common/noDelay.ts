/**
 * Nagle's algorithm off on XMPP sockets. With it on, a small stanza written
 * while the previous one is unacknowledged waits for the peer's delayed ACK,
 * about 40 ms on Linux, on each leg (client ↔ Prosody ↔ component): a join,
 * which is a chain of small request/response stanzas, paid that several
 * times over. Prosody's side is `network_settings.nagle = false`
 * (prosody/ProsodyConfig.ts).
 */
import type { XmppEntity } from '@xmpp/connection';

/** Sets TCP_NODELAY on an xmpp.js entity's socket at every (re)connection; returns the entity. */
export function withoutNagle<E extends XmppEntity>(entity: E): E {
  entity.on('status', (status) => {
    // A WebSocket connection's socket (the ws library) already sets it itself.
    if (status === 'connect') entity.socket?.setNoDelay?.(true);
  });
  return entity;
}
