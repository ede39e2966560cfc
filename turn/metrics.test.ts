import { emptyCounters, renderPrometheus, type TurnMetrics } from './metrics';
import { Nonces } from './nonces';
import { TokenBucket } from './TokenBucket';

describe('renderPrometheus', () => {
  it('renders a gauge and counters with HELP and TYPE lines', () => {
    const metrics: TurnMetrics = {
      ...emptyCounters(),
      allocationsActive: 3,
      allocationsTotal: 7,
      relayedPackets: 10,
      relayedBytes: 1234,
    };
    const text = renderPrometheus(metrics);
    expect(text).toContain(
      '# HELP confab_turn_allocations_active TURN allocations alive now\n' +
        '# TYPE confab_turn_allocations_active gauge\n' +
        'confab_turn_allocations_active 3\n',
    );
    expect(text).toContain(
      '# TYPE confab_turn_allocations_total counter\nconfab_turn_allocations_total 7\n',
    );
    expect(text).toContain('confab_turn_relayed_bytes_total 1234\n');
    // One sample per metric, every line well-formed.
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(samples).toHaveLength(Object.keys(metrics).length);
    for (const line of samples) expect(line).toMatch(/^confab_turn_[a-z_]+ \d+$/);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('allows a one-second burst, then the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, () => now);
    expect(bucket.take(600)).toBe(true);
    expect(bucket.take(600)).toBe(false);
    expect(bucket.take(400)).toBe(true);
    now += 500;
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now += 10_000;
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it('never limits at rate 0', () => {
    const bucket = new TokenBucket(0);
    for (let i = 0; i < 100; i++) expect(bucket.take(1e6)).toBe(true);
  });
});

describe('Nonces', () => {
  it('accepts its own nonces until they expire, nothing else', () => {
    let now = 1_000_000;
    const nonces = new Nonces(60_000, () => now);
    const nonce = nonces.issue();
    expect(nonces.check(nonce)).toBe(true);
    expect(new Nonces(60_000, () => now).check(nonce)).toBe(false);
    expect(nonces.check(nonce.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).toBe(false);
    expect(nonces.check('garbage')).toBe(false);
    now += 61_000;
    expect(nonces.check(nonce)).toBe(false);
  });
});
