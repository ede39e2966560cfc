/**
 * Configuration of the conference focus and its SFU (`focus.*`).
 */
import { cpus } from 'node:os';
import { isIP } from 'node:net';
import { ConfigError, type ConfigReader } from '../common/config';
import type { BudgetLimits } from './SenderBudget';

export const FOCUS_KEYS = [
  'focus.workers',
  'focus.rtc-listen-ip',
  'focus.rtc-announced-ip',
  'focus.rtc-port',
  'focus.consumer-budget',
  'focus.max-participants',
  'focus.remote-domains',
  'focus.nick',
  'focus.active-speaker-interval',
  'focus.request-timeout',
  'focus.occupant-wait',
  'focus.worker-log-level',
  'focus.request-rate',
  'focus.iq-rate',
] as const;

/** Which users of other XMPP domains may request conferences in local rooms. */
export type RemoteDomainPolicy =
  { kind: 'all' } | { kind: 'none' } | { kind: 'list'; domains: ReadonlySet<string> };

export interface FocusConfig {
  /** mediasoup workers, one per core by default. */
  workers: number;
  rtc: {
    listenIp: string;
    /** The address put in ICE candidates, when it differs from listenIp (NAT, 0.0.0.0). */
    announcedIp: string | undefined;
    /** UDP and TCP port of worker 0's WebRtcServer; worker i uses port + i. 0 picks free ports. */
    port: number;
  };
  /** Consumers one worker may carry before a room spills onto another worker. */
  consumerBudget: number;
  maxParticipants: number;
  remoteDomains: RemoteDomainPolicy;
  nick: string;
  activeSpeakerIntervalMs: number;
  /** How long the focus waits for replies to the IQs it sends. */
  requestTimeoutMs: number;
  /** How long a conference request waits for the requester's room presence. */
  occupantWaitMs: number;
  workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
  /** Conference requests per sender (per second, with bursts). */
  requestBudget: BudgetLimits;
  /** Jingle and other IQs per sender (per second, with bursts). */
  iqBudget: BudgetLimits;
}

export function readFocusConfig(r: ConfigReader): FocusConfig {
  const listenIp = r.string('focus.rtc-listen-ip', '127.0.0.1');
  if (!isIP(listenIp))
    throw new ConfigError('focus.rtc-listen-ip', `"${listenIp}" is not an IP address`);
  const announcedIp = r.optionalString('focus.rtc-announced-ip');
  if ((listenIp === '0.0.0.0' || listenIp === '::') && !announcedIp) {
    throw new ConfigError(
      'focus.rtc-announced-ip',
      `is required when focus.rtc-listen-ip is ${listenIp}`,
    );
  }
  const workers = r.int('focus.workers', Math.max(1, cpus().length), 1, 64);
  const port = r.port('focus.rtc-port', 10000, true);
  if (port && port + workers - 1 > 65535)
    throw new ConfigError('focus.rtc-port', `${port} + ${workers} workers exceeds 65535`);
  const requestsPerMinute = r.int('focus.request-rate', 30, 1, 6000);
  const iqsPerSecond = r.int('focus.iq-rate', 20, 1, 10000);
  const domains = r.list('focus.remote-domains', ['all']);
  const remoteDomains: RemoteDomainPolicy =
    domains.length === 1 && domains[0] === 'all'
      ? { kind: 'all' }
      : domains.length === 1 && domains[0] === 'none'
        ? { kind: 'none' }
        : { kind: 'list', domains: new Set(domains.map((d) => d.toLowerCase())) };
  if (
    remoteDomains.kind === 'list' &&
    (remoteDomains.domains.has('all') || remoteDomains.domains.has('none'))
  ) {
    throw new ConfigError(
      'focus.remote-domains',
      '"all" and "none" cannot be combined with domains',
    );
  }
  return {
    workers,
    rtc: { listenIp, announcedIp, port },
    consumerBudget: r.int('focus.consumer-budget', 500, 1, 100000),
    maxParticipants: r.int('focus.max-participants', 50, 2, 1000),
    remoteDomains,
    nick: r.string('focus.nick', 'focus', /^[^\s/@]{1,64}$/),
    activeSpeakerIntervalMs: r.int('focus.active-speaker-interval', 300, 100, 10000),
    requestTimeoutMs: r.int('focus.request-timeout', 10000, 500, 120000),
    occupantWaitMs: r.int('focus.occupant-wait', 3000, 0, 60000),
    workerLogLevel: r.oneOf('focus.worker-log-level', 'warn', [
      'debug',
      'warn',
      'error',
      'none',
    ] as const),
    // Bursts: a page load's worth of requests, five seconds' worth of Jingle.
    requestBudget: {
      rate: requestsPerMinute / 60,
      burst: Math.max(1, Math.ceil(requestsPerMinute / 3)),
    },
    iqBudget: { rate: iqsPerSecond, burst: iqsPerSecond * 5 },
  };
}
