import { ConfigError, ConfigReader, loadSettings, type RawSettings } from '../common/config';
import { readTurnConfig, TURN_CONFIG_KEYS } from './config';
import { DEFAULT_DENIED_PEER_RANGES } from './peerPolicy';

const SECRET = 'a-secret-of-enough-length';
const read = (settings: RawSettings) =>
  readTurnConfig(new ConfigReader({ 'turn.secrets': SECRET, ...settings }));

function errorFor(settings: RawSettings): ConfigError {
  try {
    readTurnConfig(new ConfigReader(settings));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readTurnConfig', () => {
  it('has safe defaults', () => {
    expect(read({})).toEqual({
      enabled: true,
      listenAddress: '0.0.0.0',
      port: 3478,
      realm: 'confab',
      secrets: [SECRET],
      relayAddress: undefined,
      externalAddress: undefined,
      minPort: 49152,
      maxPort: 65535,
      deniedPeerRanges: [...DEFAULT_DENIED_PEER_RANGES],
      allowedPeerRanges: [],
      userQuota: 10,
      totalQuota: 1000,
      defaultLifetime: 600,
      maxLifetime: 3600,
      maxBytesPerSecond: 2_000_000,
      credentialTtl: 86400,
      logLevel: 'info',
    });
  });

  it('reads every key, from the environment too', () => {
    const settings = loadSettings({
      knownKeys: TURN_CONFIG_KEYS,
      env: {
        CONFAB_TURN_LISTEN_ADDRESS: '127.0.0.1',
        CONFAB_TURN_PORT: '3479',
        CONFAB_TURN_REALM: 'example.org',
        CONFAB_TURN_SECRETS: `new-secret-0123456789,${SECRET}`,
        CONFAB_TURN_RELAY_ADDRESS: '10.0.0.5',
        CONFAB_TURN_EXTERNAL_ADDRESS: '203.0.113.7',
        CONFAB_TURN_MIN_PORT: '40000',
        CONFAB_TURN_MAX_PORT: '40100',
        CONFAB_TURN_DENIED_PEER_RANGES: '198.51.100.0/24',
        CONFAB_TURN_ALLOWED_PEER_RANGES: '127.0.0.0/8, ::1',
        CONFAB_TURN_USER_QUOTA: '2',
        CONFAB_TURN_TOTAL_QUOTA: '50',
        CONFAB_TURN_MAX_LIFETIME: '300',
        CONFAB_TURN_MAX_BPS: '0',
        CONFAB_TURN_CREDENTIAL_TTL: '3600',
        CONFAB_TURN_LOG_LEVEL: 'debug',
      },
    });
    const config = readTurnConfig(new ConfigReader(settings));
    expect(config).toMatchObject({
      listenAddress: '127.0.0.1',
      port: 3479,
      realm: 'example.org',
      secrets: ['new-secret-0123456789', SECRET],
      relayAddress: '10.0.0.5',
      externalAddress: '203.0.113.7',
      minPort: 40000,
      maxPort: 40100,
      allowedPeerRanges: ['127.0.0.0/8', '::1'],
      userQuota: 2,
      totalQuota: 50,
      defaultLifetime: 300,
      maxLifetime: 300,
      maxBytesPerSecond: 0,
      credentialTtl: 3600,
      logLevel: 'debug',
    });
    // Extra denied ranges add to the built-in ones, never replace them.
    expect(config.deniedPeerRanges).toEqual([...DEFAULT_DENIED_PEER_RANGES, '198.51.100.0/24']);
  });

  it.each<[RawSettings, string, RegExp]>([
    [{}, 'turn.secrets', /required/],
    [{ 'turn.secrets': 'short' }, 'turn.secrets', /shorter than 16/],
    [{ 'turn.secrets': SECRET, 'turn.port': '0' }, 'turn.port', /outside/],
    [
      { 'turn.secrets': SECRET, 'turn.listen-address': 'localhost' },
      'turn.listen-address',
      /not an IP/,
    ],
    [{ 'turn.secrets': SECRET, 'turn.relay-address': '1.2.3' }, 'turn.relay-address', /not an IP/],
    [
      { 'turn.secrets': SECRET, 'turn.external-address': '2001:db8::1' },
      'turn.external-address',
      /address family/,
    ],
    [{ 'turn.secrets': SECRET, 'turn.min-port': '80' }, 'turn.min-port', /outside/],
    [
      { 'turn.secrets': SECRET, 'turn.min-port': '50000', 'turn.max-port': '49999' },
      'turn.max-port',
      /below turn.min-port/,
    ],
    [
      { 'turn.secrets': SECRET, 'turn.allowed-peer-ranges': '127.0.0.0/33' },
      'turn.allowed-peer-ranges',
      /CIDR/,
    ],
    [
      { 'turn.secrets': SECRET, 'turn.denied-peer-ranges': ['x'] },
      'turn.denied-peer-ranges',
      /CIDR/,
    ],
    [{ 'turn.secrets': SECRET, 'turn.user-quota': '0' }, 'turn.user-quota', /outside/],
    [{ 'turn.secrets': SECRET, 'turn.total-quota': 'many' }, 'turn.total-quota', /not an integer/],
    [{ 'turn.secrets': SECRET, 'turn.max-lifetime': '10' }, 'turn.max-lifetime', /outside/],
    [{ 'turn.secrets': SECRET, 'turn.max-bps': '-1' }, 'turn.max-bps', /outside/],
    [{ 'turn.secrets': SECRET, 'turn.realm': 'has space' }, 'turn.realm', /does not match/],
    [{ 'turn.secrets': SECRET, 'turn.log-level': 'loud' }, 'turn.log-level', /not one of/],
    [{ 'turn.secrets': SECRET, 'turn.enabled': 'perhaps' }, 'turn.enabled', /true or false/],
  ])('refuses %j naming %s', (settings, key, problem) => {
    const error = errorFor(settings);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(key);
  });

  it('does not require a secret when TURN is disabled', () => {
    expect(readTurnConfig(new ConfigReader({ 'turn.enabled': 'false' })).enabled).toBe(false);
  });
});
