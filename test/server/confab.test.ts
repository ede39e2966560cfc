// The whole Confab process as `make start` runs it, on free ports with a
// temporary data directory: embedded Prosody, component, health endpoint, the
// same-origin WebSocket proxy, and one clear error per bad configuration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { client } from '@xmpp/client';
import { findFreePort } from '../../common/net';
import { readSettings, type Settings } from '../../server/settings';
import { Confab } from '../../server/Confab';

const dirs: string[] = [];

async function config(overrides: Record<string, unknown> = {}): Promise<Settings> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-server-'));
  dirs.push(dir);
  const settings = {
    'server.data-dir': dir,
    'server.http-port': await findFreePort(),
    'prosody.c2s-port': await findFreePort(),
    'focus.rtc-port': 0,
    'focus.workers': 1,
    'turn.port': await findFreePort('127.0.0.1', true),
    ...overrides,
  };
  return readSettings(settings, dir);
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('starts, reports health, proxies XMPP over WebSocket, and stops cleanly', async () => {
  const confab = await Confab.start(await config());
  try {
    const health = await fetch(`http://127.0.0.1:${confab.ports.http}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      component: 'online',
      prosody: 'running',
      turn: 'running',
    });
    expect(confab.banner()).toContain(`/health`);

    // A guest logs in through Confab's own HTTP port, as the web client does.
    const guest = client({
      service: `ws://127.0.0.1:${confab.ports.http}/xmpp-websocket`,
      domain: 'guest.localhost',
    });
    guest.on('error', () => {});
    const jid = await guest.start();
    expect(jid.domain).toBe('guest.localhost');
    await guest.stop();
  } finally {
    await confab.close();
    await confab.close(); // safe twice
  }
  expect(confab.prosody?.pid).toBeDefined();
  expect(() => process.kill(confab.prosody?.pid ?? 0, 0)).toThrow();
});

test('a port in use stops start-up with the key that names it', async () => {
  const blocker: Server = createServer();
  const port = await findFreePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    await expect(Confab.start(await config({ 'prosody.c2s-port': port }))).rejects.toThrow(
      `invalid configuration prosody.c2s-port (CONFAB_PROSODY_C2S_PORT): port ${port} on 127.0.0.1 is already in use`,
    );
  } finally {
    blocker.close();
  }
});

test('a wrong component secret against an external Prosody names the key', async () => {
  const first = await Confab.start(await config());
  try {
    const external = await config({
      'prosody.embedded': 'false',
      'prosody.component-port': first.ports.component,
      'prosody.component-secret': 'not-the-secret',
    });
    await expect(Confab.start(external)).rejects.toThrow(
      /rejected the component secret for focus.localhost \(prosody.component-secret\)/,
    );
  } finally {
    await first.close();
  }
});

test('a missing secret for an external Prosody names the key', async () => {
  await expect(config({ 'prosody.embedded': 'false' })).rejects.toThrow(
    /prosody\.component-secret.*is required/,
  );
});
