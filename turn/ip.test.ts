import { canonicalIp, formatIp, inRange, parseIp, parseRange } from './ip';

describe('IP parsing', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['::', '::'],
    ['FD00:0:0:0:0:0:0:2', 'fd00::2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:10.1.2.3', '::ffff:a01:203'],
    ['fe80::1%eth0', 'fe80::1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('canonicalises %s as %s', (input, output) => {
    expect(canonicalIp(input)).toBe(output);
  });

  it.each([
    '',
    '1.2.3',
    '256.1.1.1',
    '1.2.3.4.5',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    'g::1',
    'localhost',
  ])('refuses %j', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });

  it('matches CIDR ranges of its own family only', () => {
    const within = (address: string, range: string): boolean => {
      const ip = parseIp(address);
      const parsed = parseRange(range);
      if (!ip || !parsed) throw new Error(`bad fixture ${address} ${range}`);
      return inRange(ip, parsed);
    };
    expect(within('10.255.0.1', '10.0.0.0/8')).toBe(true);
    expect(within('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(within('::a00:1', '10.0.0.0/8')).toBe(false);
    expect(within('fd12::1', 'fc00::/7')).toBe(true);
    expect(within('fe00::1', 'fc00::/7')).toBe(false);
    expect(within('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(within('1.2.3.4', '1.2.3.4')).toBe(true);
    expect(within('1.2.3.5', '1.2.3.4')).toBe(false);
  });

  it('refuses malformed ranges', () => {
    for (const bad of [
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      'x/8',
      '::/129',
      '10.0.0.0/-1',
    ]) {
      expect(parseRange(bad)).toBeUndefined();
    }
  });

  it('formats 4 and 16 byte buffers', () => {
    expect(formatIp(Buffer.from([192, 0, 2, 1]))).toBe('192.0.2.1');
    expect(formatIp(Buffer.alloc(16))).toBe('::');
    expect(() => formatIp(Buffer.alloc(5))).toThrow(TypeError);
  });
});
