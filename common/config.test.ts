import { ConfigError, ConfigReader, envName, loadSettings } from './config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const keys = ['turn.port', 'turn.secrets', 'server.domain', 'focus.workers'] as const;

test('environment variables map to dotted keys and win over the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-config-'));
  const file = join(dir, 'confab.json');
  writeFileSync(file, JSON.stringify({ turn: { port: 3478 }, 'server.domain': 'example.org' }));
  const settings = loadSettings({ knownKeys: keys, file, env: { CONFAB_TURN_PORT: '3479' } });
  expect(settings).toEqual({ 'turn.port': '3479', 'server.domain': 'example.org' });
  expect(envName('server.http-port')).toBe('CONFAB_SERVER_HTTP_PORT');
});

test('an unknown key in the file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-config-'));
  const file = join(dir, 'confab.json');
  writeFileSync(file, JSON.stringify({ turn: { prot: 1 } }));
  expect(() => loadSettings({ knownKeys: keys, file })).toThrow(/turn\.prot.*unknown key/);
});

test('readers apply defaults and bounds and name the key in errors', () => {
  const r = new ConfigReader({
    'turn.port': '70000',
    'focus.workers': 'two',
    'turn.secrets': 'a, b,',
  });
  expect(() => r.port('turn.port', 3478)).toThrow(ConfigError);
  expect(() => r.port('turn.port', 3478)).toThrow(
    /turn\.port \(CONFAB_TURN_PORT\): 70000 is outside 1\.\.65535/,
  );
  expect(() => r.int('focus.workers', 1, 1, 64)).toThrow(/focus\.workers.*"two" is not an integer/);
  expect(r.list('turn.secrets', [])).toEqual(['a', 'b']);
  expect(r.int('missing', 7, 0, 10)).toBe(7);
  expect(() => r.string('server.domain')).toThrow(/server\.domain.*is required/);
  expect(() => new ConfigReader({ x: 'maybe' }).bool('x', false)).toThrow(/x .*not true or false/);
  expect(() => new ConfigReader({ x: 'c' }).oneOf('x', 'a', ['a', 'b'])).toThrow(
    /"c" is not one of a, b/,
  );
});
