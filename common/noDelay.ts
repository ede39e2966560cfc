/**
 * Low-latency XMPP sockets. With Nagle's algorithm on, a small stanza
 * written while the previous one is unacknowledged waits for the peer's
 * delayed ACK, about 40 ms on Linux, on each leg (client ↔ Prosody ↔
 * component): a join, a chain of small request/response stanzas, paid that
 * several times over. So TCP_NODELAY is set. Without Nagle every write would
 * be its own segment and system call, so the stanzas written in one tick of
 * the event loop (a content-add to each participant of a room, say) are
 * corked and leave together at the end of the tick: no added delay.
 * Prosody's side is `network_settings.nagle = false` (prosody/ProsodyConfig.ts).
 */
import type { XmppEntity } from '@xmpp/connection';

/** What of an xmpp.js client or component this needs. */
type Entity = Pick<XmppEntity, 'on' | 'socket' | 'write'>;

/** Sets TCP_NODELAY at every (re)connection and coalesces one tick's writes; returns the entity. */
export function lowLatency<E extends Entity>(entity: E): E {
  entity.on('status', (status) => {
    // A WebSocket connection's socket (the ws library) sets TCP_NODELAY itself.
    if (status === 'connect') entity.socket?.setNoDelay?.(true);
  });
  const write = entity.write.bind(entity);
  let corked: XmppEntity['socket'] = null;
  entity.write = (data: string): Promise<void> => {
    const socket = entity.socket;
    if (socket?.cork && socket.uncork && corked !== socket) {
      corked = socket;
      socket.cork();
      process.nextTick(() => {
        corked = null;
        socket.uncork?.();
      });
    }
    return write(data);
  };
  return entity;
}
