// The whole Confab process as `make start` runs it, on free ports with a
// temporary data directory: embedded Prosody, component, health endpoint, the
// same-origin WebSocket proxy, and one clear error per bad configuration.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { client } from '@xmpp/client';
import xml from '@xmpp/xml';
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
  let pid: number | undefined;
  try {
    const health = await fetch(`http://127.0.0.1:${confab.ports.http}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      failing: [],
      prosody: { process: 'running', pid: confab.prosody?.pid, restarts: 0 },
      component: 'online',
      workers: [
        {
          worker: 0,
          state: 'running',
          pid: confab.sfu.pool.slots[0]?.worker.pid,
          port: confab.sfu.pool.slots[0]?.port,
        },
      ],
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
    await guest.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), 'focus.localhost');

    const metrics = await (await fetch(`http://127.0.0.1:${confab.ports.http}/metrics`)).text();
    for (const series of [
      'confab_focus_conferences 0',
      'confab_component_up 1',
      'confab_prosody_up 1',
      'confab_prosody_restarts_total 0',
      'confab_sfu_workers{state="running"} 1',
      'confab_turn_allocations 0',
      'confab_turn_relayed_bytes_total{direction="to-peer"} 0',
      'process_resident_memory_bytes',
      'process_open_fds',
    ])
      expect(metrics).toContain(series);
    expect(metrics).toMatch(/confab_xmpp_stanzas_total\{direction="in"\} [1-9]/);
    expect(metrics).toMatch(/confab_xmpp_iq_seconds_count\{direction="in",payload="ping"\} 1/);
    expect(metrics).toContain('# TYPE confab_focus_join_seconds histogram');
    await guest.stop();
    pid = confab.prosody?.pid;
  } finally {
    await confab.close();
    await confab.close(); // safe twice
  }
  expect(pid).toBeDefined();
  expect(() => process.kill(pid ?? 0, 0)).toThrow();
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
