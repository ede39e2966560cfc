/**
 * Configuration of the built-in TURN server: every key is `turn.*` (or the
 * environment variable CONFAB_TURN_*), has a default and bounds, and an
 * invalid value stops start-up with a ConfigError naming the key.
 * docs/turn.md describes each key for operators.
 */
import { ConfigError, type ConfigReader } from '../common/config';
import type { LogLevel } from '../common/logger';
import { parseIp, parseRange, type IpFamily } from './ip';
import { DEFAULT_DENIED_PEER_RANGES } from './peerPolicy';

export interface TurnConfig {
  enabled: boolean;
  /** Address the STUN/TURN UDP socket binds to. */
  listenAddress: string;
  port: number;
  realm: string;
  /** Shared secrets for TURN REST credentials; the first one issues. */
  secrets: string[];
  /** Address relay sockets bind to; undefined: the listening address (or the wildcard of its family). */
  relayAddress: string | undefined;
  /** Address announced in XOR-RELAYED-ADDRESS (behind NAT: the public one); undefined: detected. */
  externalAddress: string | undefined;
  minPort: number;
  maxPort: number;
  /** The built-in denied ranges plus `turn.denied-peer-ranges`. */
  deniedPeerRanges: string[];
  /** Exceptions to the denied ranges (tests, local development). */
  allowedPeerRanges: string[];
  /** Allocations per REST username. */
  userQuota: number;
  /** Allocations in total. */
  totalQuota: number;
  /** Lifetime granted when a client asks for less or nothing (seconds). */
  defaultLifetime: number;
  maxLifetime: number;
  /** Relayed bytes per second per allocation, both directions together; 0: unlimited. */
  maxBytesPerSecond: number;
  /** Lifetime of the credentials TurnServer.issueCredentials() hands out (seconds). */
  credentialTtl: number;
  logLevel: LogLevel;
}

export const TURN_CONFIG_KEYS = [
  'turn.enabled',
  'turn.listen-address',
  'turn.port',
  'turn.realm',
  'turn.secrets',
  'turn.relay-address',
  'turn.external-address',
  'turn.min-port',
  'turn.max-port',
  'turn.denied-peer-ranges',
  'turn.allowed-peer-ranges',
  'turn.user-quota',
  'turn.total-quota',
  'turn.max-lifetime',
  'turn.max-bps',
  'turn.credential-ttl',
  'turn.log-level',
] as const;

const RFC_DEFAULT_LIFETIME = 600;
const MIN_SECRET_LENGTH = 16;

export function readTurnConfig(reader: ConfigReader): TurnConfig {
  const enabled = reader.bool('turn.enabled', true);
  const listenAddress = ipString(reader, 'turn.listen-address', '0.0.0.0');
  const relayAddress = optionalIp(reader, 'turn.relay-address');
  const externalAddress = optionalIp(reader, 'turn.external-address');
  const relayFamily = familyOf(relayAddress ?? listenAddress);
  if (externalAddress && familyOf(externalAddress) !== relayFamily) {
    throw new ConfigError(
      'turn.external-address',
      `${externalAddress} is not of the relay's address family (IPv${relayFamily})`,
    );
  }
  const minPort = reader.int('turn.min-port', 49152, 1024, 65535);
  const maxPort = reader.int('turn.max-port', 65535, 1024, 65535);
  if (maxPort < minPort) {
    throw new ConfigError('turn.max-port', `${maxPort} is below turn.min-port ${minPort}`);
  }
  const maxLifetime = reader.int('turn.max-lifetime', 3600, 60, 86400);
  return {
    enabled,
    listenAddress,
    port: reader.port('turn.port', 3478),
    realm: reader.string('turn.realm', 'confab', /^[\x21-\x7e]{1,127}$/),
    secrets: enabled ? secrets(reader) : reader.list('turn.secrets', []),
    relayAddress,
    externalAddress,
    minPort,
    maxPort,
    deniedPeerRanges: [...DEFAULT_DENIED_PEER_RANGES, ...ranges(reader, 'turn.denied-peer-ranges')],
    allowedPeerRanges: ranges(reader, 'turn.allowed-peer-ranges'),
    userQuota: reader.int('turn.user-quota', 10, 1, 10000),
    totalQuota: reader.int('turn.total-quota', 1000, 1, 100000),
    defaultLifetime: Math.min(RFC_DEFAULT_LIFETIME, maxLifetime),
    maxLifetime,
    maxBytesPerSecond: reader.int('turn.max-bps', 2_000_000, 0, 1_000_000_000),
    credentialTtl: reader.int('turn.credential-ttl', 86400, 60, 30 * 86400),
    logLevel: reader.oneOf<LogLevel>('turn.log-level', 'info', [
      'debug',
      'info',
      'warn',
      'error',
      'silent',
    ]),
  };
}

function secrets(reader: ConfigReader): string[] {
  const list = reader.list('turn.secrets', []);
  if (list.length === 0) {
    throw new ConfigError('turn.secrets', 'is required: the secret shared with Prosody');
  }
  const short = list.findIndex((s) => s.length < MIN_SECRET_LENGTH);
  if (short >= 0) {
    throw new ConfigError(
      'turn.secrets',
      `secret #${short + 1} is shorter than ${MIN_SECRET_LENGTH} characters`,
    );
  }
  return list;
}

function ipString(reader: ConfigReader, key: string, fallback: string): string {
  const value = reader.string(key, fallback);
  if (!parseIp(value)) throw new ConfigError(key, `"${value}" is not an IP address`);
  return value;
}

function optionalIp(reader: ConfigReader, key: string): string | undefined {
  return reader.has(key) ? ipString(reader, key, '') : undefined;
}

function familyOf(address: string): IpFamily {
  return parseIp(address)?.family ?? 4;
}

function ranges(reader: ConfigReader, key: string): string[] {
  const list = reader.list(key, []);
  const bad = list.find((r) => !parseRange(r));
  if (bad !== undefined) throw new ConfigError(key, `"${bad}" is not an IP address or CIDR range`);
  return list;
}
