import { DEFAULT_DENIED_PEER_RANGES, PeerPolicy } from './peerPolicy';

const defaults = new PeerPolicy({ denied: DEFAULT_DENIED_PEER_RANGES, allowed: [] });

describe('PeerPolicy', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.10.10',
    '224.0.0.251',
    '239.255.255.250',
    '255.255.255.255',
    '0.0.0.0',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'febf::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '::127.0.0.1',
    '64:ff9b::192.168.0.1',
  ])('denies %s by default', (address) => {
    expect(defaults.check(address)).toBe('denied');
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '192.0.2.1',
    '2001:db8::1',
    '2a00:1450::1',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('allows public %s', (address) => {
    expect(defaults.check(address)).toBe('allowed');
  });

  it('lets an allow-list override the denied ranges, IPv4-mapped forms included', () => {
    const dev = new PeerPolicy({
      denied: DEFAULT_DENIED_PEER_RANGES,
      allowed: ['127.0.0.0/8', '::1'],
    });
    expect(dev.check('127.0.0.1')).toBe('allowed');
    expect(dev.check('::ffff:127.0.0.1')).toBe('allowed');
    expect(dev.check('::1')).toBe('allowed');
    expect(dev.check('10.0.0.1')).toBe('denied');
  });

  it('adds extra denied ranges', () => {
    const strict = new PeerPolicy({
      denied: [...DEFAULT_DENIED_PEER_RANGES, '203.0.113.0/24'],
      allowed: [],
    });
    expect(strict.check('203.0.113.9')).toBe('denied');
    expect(strict.check('::ffff:203.0.113.9')).toBe('denied');
    expect(strict.check('198.51.100.1')).toBe('allowed');
  });

  it('calls non-addresses invalid and refuses bad ranges', () => {
    expect(defaults.check('example.org')).toBe('invalid');
    expect(() => new PeerPolicy({ denied: ['10.0.0.0/40'], allowed: [] })).toThrow(TypeError);
  });
});
