/**
 * Test configuration for TurnServer: loopback, an ephemeral listening port,
 * loopback peers allowed (the only network the tests have).
 */
import type { TurnConfig } from '../../turn/config';
import { DEFAULT_DENIED_PEER_RANGES } from '../../turn/peerPolicy';

export const TEST_SECRET = 'test-secret-for-confab-turn';

export function testTurnConfig(overrides: Partial<TurnConfig> = {}): TurnConfig {
  return {
    enabled: true,
    listenAddress: '127.0.0.1',
    port: 0,
    realm: 'confab.test',
    secrets: [TEST_SECRET],
    relayAddress: undefined,
    externalAddress: undefined,
    minPort: 42000,
    maxPort: 42999,
    deniedPeerRanges: [...DEFAULT_DENIED_PEER_RANGES],
    allowedPeerRanges: ['127.0.0.0/8'],
    userQuota: 10,
    totalQuota: 100,
    defaultLifetime: 600,
    maxLifetime: 3600,
    maxBytesPerSecond: 0,
    credentialTtl: 3600,
    logLevel: process.env.TURN_TEST_LOG === 'debug' ? 'debug' : 'warn',
    ...overrides,
  };
}
