/**
 * Which peer addresses the relay may send to. By default, like coturn's
 * `denied-peer-ip` recommendations, everything that is not a public unicast
 * address is refused: loopback, private, shared (CGNAT), link-local,
 * multicast, reserved and unspecified, in IPv4 and IPv6. IPv6 forms that
 * embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64) are judged by
 * the IPv4 address they carry. An allow-list punches holes for tests and
 * local development. Pure.
 */
import { inRange, parseIp, parseRange, type IpAddress, type IpRange } from './ip';

export const DEFAULT_DENIED_PEER_RANGES: readonly string[] = [
  // IPv4
  '0.0.0.0/8', // "this network", includes the unspecified address
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // shared address space (CGNAT), RFC 6598
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, includes broadcast
  // IPv6
  '::/128', // unspecified
  '::1/128', // loopback
  '100::/64', // discard-only
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // deprecated site-local
  'ff00::/8', // multicast
];

export type PeerVerdict = 'allowed' | 'denied' | 'invalid';

/** IPv6 prefixes whose low 32 bits are an IPv4 address. */
const IPV4_CARRIERS = ['::ffff:0:0/96', '::/96', '64:ff9b::/96'].map(mustParse);

export class PeerPolicy {
  private readonly denied: IpRange[];
  private readonly allowed: IpRange[];

  /** Throws TypeError naming the first range that does not parse (config validates first). */
  constructor(options: { denied: readonly string[]; allowed: readonly string[] }) {
    this.denied = options.denied.map(mustParse);
    this.allowed = options.allowed.map(mustParse);
  }

  check(address: string): PeerVerdict {
    const ip = parseIp(address);
    if (!ip) return 'invalid';
    if (this.matches(this.allowed, ip)) return 'allowed';
    if (this.matches(this.denied, ip)) return 'denied';
    return 'allowed';
  }

  private matches(ranges: IpRange[], ip: IpAddress): boolean {
    if (ranges.some((r) => inRange(ip, r))) return true;
    const embedded = embeddedIpv4(ip);
    return embedded !== undefined && ranges.some((r) => inRange(embedded, r));
  }
}

function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6 || !IPV4_CARRIERS.some((r) => inRange(ip, r))) return undefined;
  return { family: 4, bytes: ip.bytes.subarray(12, 16) };
}

function mustParse(text: string): IpRange {
  const range = parseRange(text);
  if (!range) throw new TypeError(`not an IP range: ${text}`);
  return range;
}
