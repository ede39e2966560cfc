/**
 * TURN counters as a plain object, and their Prometheus text exposition
 * (format 0.0.4). Pure.
 */

export interface TurnMetrics {
  /** Allocations alive now (gauge). */
  allocationsActive: number;
  allocationsTotal: number;
  /** Allocations that ended because their lifetime ran out without refresh. */
  allocationsExpired: number;
  /** Requests carrying credentials that were expired, malformed or signed with no accepted secret. */
  authFailures: number;
  /** Allocate requests refused with 486 (per-user quota). */
  quotaRejections: number;
  /** Allocate requests refused with 508 (total quota or no free relay port). */
  capacityRejections: number;
  /** Permissions or channels refused with 403 (denied peer address). */
  deniedPeers: number;
  /** Requests refused with 420 Unknown Attribute. */
  unknownAttributeRejections: number;
  /** Other STUN error responses sent by Confab's checks (400, 437, 440, 442, 443…). */
  otherRejections: number;
  /** Datagrams that were neither STUN nor ChannelData, or were malformed. */
  malformedDatagrams: number;
  bindingRequests: number;
  relayedPacketsToPeer: number;
  relayedBytesToPeer: number;
  relayedPacketsToClient: number;
  relayedBytesToClient: number;
  /** Sum of both directions. */
  relayedPackets: number;
  relayedBytes: number;
  /** Relayed packets that travelled as ChannelData on the client side (the cheap framing). */
  channelDataPackets: number;
  /** Packets dropped by the per-allocation bandwidth cap. */
  bandwidthDrops: number;
  /** Packets dropped for lack of a permission or channel. */
  permissionDrops: number;
  /** Datagrams the kernel refused to send (unreachable peer network…). */
  sendErrors: number;
  /** Unexpected exceptions while handling a datagram (should stay 0). */
  internalErrors: number;
}

export type TurnCounter = Exclude<
  keyof TurnMetrics,
  'allocationsActive' | 'relayedPackets' | 'relayedBytes'
>;

export function emptyCounters(): Record<TurnCounter, number> {
  return {
    allocationsTotal: 0,
    allocationsExpired: 0,
    authFailures: 0,
    quotaRejections: 0,
    capacityRejections: 0,
    deniedPeers: 0,
    unknownAttributeRejections: 0,
    otherRejections: 0,
    malformedDatagrams: 0,
    bindingRequests: 0,
    relayedPacketsToPeer: 0,
    relayedBytesToPeer: 0,
    relayedPacketsToClient: 0,
    relayedBytesToClient: 0,
    channelDataPackets: 0,
    bandwidthDrops: 0,
    permissionDrops: 0,
    sendErrors: 0,
    internalErrors: 0,
  };
}

const HELP: Record<keyof TurnMetrics, string> = {
  allocationsActive: 'TURN allocations alive now',
  allocationsTotal: 'TURN allocations created',
  allocationsExpired: 'TURN allocations that expired without refresh',
  authFailures: 'Requests with expired, malformed or forged credentials',
  quotaRejections: 'Allocate requests refused with 486 Allocation Quota Reached',
  capacityRejections: 'Allocate requests refused with 508 Insufficient Capacity',
  deniedPeers: 'Permissions refused with 403 Forbidden (denied peer address)',
  unknownAttributeRejections: 'Requests refused with 420 Unknown Attribute',
  otherRejections: 'Other STUN error responses from request checks',
  malformedDatagrams: 'Datagrams dropped as malformed',
  bindingRequests: 'STUN Binding requests answered',
  relayedPacketsToPeer: 'Packets relayed from clients to peers',
  relayedBytesToPeer: 'Payload bytes relayed from clients to peers',
  relayedPacketsToClient: 'Packets relayed from peers to clients',
  relayedBytesToClient: 'Payload bytes relayed from peers to clients',
  relayedPackets: 'Packets relayed in both directions',
  relayedBytes: 'Payload bytes relayed in both directions',
  channelDataPackets: 'Relayed packets framed as ChannelData on the client side',
  bandwidthDrops: 'Packets dropped by the per-allocation bandwidth cap',
  permissionDrops: 'Packets dropped for lack of a permission or channel',
  sendErrors: 'Datagrams the operating system refused to send',
  internalErrors: 'Unexpected errors while handling a datagram',
};

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/** Renders metrics as Prometheus text: gauges as is, counters with a `_total` suffix. */
export function renderPrometheus(metrics: TurnMetrics, prefix = 'confab_turn'): string {
  const lines: string[] = [];
  for (const key of Object.keys(HELP) as Array<keyof TurnMetrics>) {
    const gauge = key === 'allocationsActive';
    const base = `${prefix}_${snakeCase(key).replace(/_total$/, '')}`;
    const name = gauge ? base : `${base}_total`;
    lines.push(`# HELP ${name} ${HELP[key]}`);
    lines.push(`# TYPE ${name} ${gauge ? 'gauge' : 'counter'}`);
    lines.push(`${name} ${metrics[key]}`);
  }
  return lines.join('\n') + '\n';
}
