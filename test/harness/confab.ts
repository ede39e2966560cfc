/**
 * The whole Confab (embedded Prosody, focus, SFU, HTTP) on free ports with a
 * temporary data directory, plus conference bots that join its rooms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../common/net';
import { readSettings } from '../../server/settings';
import { Confab } from '../../server/Confab';
import { ConferenceBot, type BotOptions } from '../../bot/ConferenceBot';

export interface TestConfab {
  confab: Confab;
  domain: string;
  /** http://127.0.0.1:<port>, the web client and the WebSocket. */
  url: string;
  /** XMPP over TCP (c2s) for Node clients. */
  service: string;
  /** A room JID on the conference service. */
  room(name: string): string;
  /** A guest bot that joins `room` and requests the conference. */
  bot(nick: string, room: string, options?: Partial<BotOptions>): Promise<ConferenceBot>;
  stop(): Promise<void>;
}

export interface TestConfabOptions {
  /** Serve this built web client. */
  webClientDir?: string;
}

export async function startTestConfab(
  settings: Record<string, unknown> = {},
  options: TestConfabOptions = {},
): Promise<TestConfab> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-test-'));
  const raw = {
    'server.data-dir': dir,
    'server.http-port': await findFreePort(),
    'prosody.c2s-port': await findFreePort(),
    'focus.rtc-port': 0,
    'focus.workers': 1,
    // Crashed bots leave their rooms after 2 s instead of a minute.
    'prosody.session-hibernation': 2,
    'turn.port': await findFreePort('127.0.0.1', true),
    'turn.listen-address': '127.0.0.1',
    'turn.min-port': 43000,
    'turn.max-port': 43999,
    ...settings,
  };
  const config = readSettings(raw, dir);
  const server = config.server;
  let confab: Confab;
  try {
    confab = await Confab.start({ ...config, webClientDir: options.webClientDir });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const bots = new Set<ConferenceBot>();
  const domain = server.domain;
  const service = `xmpp://127.0.0.1:${confab.ports.c2s}`;
  return {
    confab,
    domain,
    url: `http://127.0.0.1:${confab.ports.http}`,
    service,
    room: (name) => `${name}@conference.${domain}`,
    async bot(nick, room, options = {}) {
      const bot = await ConferenceBot.join({
        service,
        domain: `guest.${domain}`,
        room,
        nick,
        focus: `focus.${domain}`,
        ...options,
      });
      bots.add(bot);
      return bot;
    },
    async stop() {
      await Promise.all([...bots].map((b) => b.crash()));
      await confab.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
