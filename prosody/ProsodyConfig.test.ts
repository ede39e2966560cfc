import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { luaString, renderProsodyConfig } from './ProsodyConfig';
import { referenceSettings } from './reference';
import { embeddedProsodySettings } from './embedded';

/** The embedded configuration for a domain and a component secret. */
const embeddedConfig = (domain: string, focusSecret: string): string =>
  renderProsodyConfig(
    embeddedProsodySettings({
      domain,
      dataDir: '/tmp/x',
      focusSecret,
      ports: { c2s: 1, s2s: 2, component: 3, http: 4 },
    }),
  );

test('the checked-in prosody.cfg.lua is what the generator produces', () => {
  const checkedIn = readFileSync(join(__dirname, '..', 'prosody.cfg.lua'), 'utf8');
  // Regenerate with: npm run prosody-config
  expect(checkedIn).toBe(renderProsodyConfig(referenceSettings, 'reference'));
});

test('the reference and embedded configurations are valid Lua', () => {
  const embedded = embeddedConfig('localhost', 's"e\\c');
  for (const source of [embedded, renderProsodyConfig(referenceSettings, 'reference')]) {
    execFileSync('lua5.4', ['-e', `assert(load(${luaString(source)}))`]);
  }
});

test('the embedded configuration keeps the structure of the reference', () => {
  const embedded = embeddedConfig('chat.test', 'sec');
  expect(embedded).toContain('VirtualHost "chat.test"');
  expect(embedded).toContain('VirtualHost "guest.chat.test"');
  expect(embedded).toContain('Component "conference.chat.test" "muc"');
  expect(embedded).toContain('admins = { "focus@focus.chat.test"; }');
  expect(embedded).toContain(
    'Component "focus.chat.test"\n  component_secret = "sec"\n  component_conflict_resolve = "kick_old"',
  );
  expect(embedded).toContain('storage = "memory"');
});

test('lua strings are escaped', () => {
  expect(luaString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
});

test('both configurations limit what one connection may send, and the stanza size', () => {
  const embedded = embeddedConfig('localhost', 's');
  for (const config of [embedded, renderProsodyConfig(referenceSettings, 'reference')]) {
    expect(config).toMatch(/modules_enabled = \{[^}]*"limits";/);
    expect(config).toContain(
      'limits = {\n  c2s = { rate = "64kb/s"; burst = "2s" };\n  s2sin = { rate = "256kb/s"; burst = "2s" };\n}',
    );
    expect(config).toContain('c2s_stanza_size_limit = 262144');
    expect(config).toContain('s2s_stanza_size_limit = 524288');
  }
});

test("both configurations turn Nagle's algorithm off on every Prosody socket", () => {
  const embedded = embeddedConfig('chat.test', 'sec');
  for (const config of [embedded, renderProsodyConfig(referenceSettings, 'reference')]) {
    expect(config).toMatch(/^network_settings = \{ nagle = false \}$/m);
  }
});
