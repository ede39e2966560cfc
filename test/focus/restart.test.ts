// Conferences survive restarts: Prosody killed under a running Confab is
// restarted and everyone gets media again, and a Confab process killed and
// started again next to an external Prosody re-invites the participants it
// had. Nobody asks for anything: the bots only rejoin their room after a
// reconnection, as XMPP clients do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestConfab } from '../harness/confab';
import { startTestXmpp } from '../harness/xmpp';
import { confabScript } from '../harness/confabScript';
import { waitFor } from '../harness/wait';
import { startConfabChild } from '../../bench/confabProcess';
import { ConferenceBot } from '../../bot/ConferenceBot';
import type { Health } from '../../server/Confab';

const framesFrom = async (bot: ConferenceBot): Promise<number> =>
  (await bot.stats()).filter((t) => t.kind === 'video').reduce((n, t) => n + t.framesDecoded, 0);

/** Waits until `bot` decodes video on a session other than `oldSid`, and its frames keep coming. */
async function mediaAgain(bot: ConferenceBot, oldSid: string | undefined): Promise<void> {
  await bot.waitForStats(
    (s) =>
      bot.peer?.session.sid !== oldSid && s.some((t) => t.kind === 'video' && t.framesDecoded > 3),
    'video on a new session',
    30000,
  );
  const before = await framesFrom(bot);
  await waitFor('frames keep coming', async () => (await framesFrom(bot)) > before + 5, 5000);
}

test('kill -9 of the embedded Prosody: it is restarted, /health names it meanwhile, and the conference comes back', async () => {
  const world = await startTestConfab();
  try {
    const room = world.room('phoenix');
    const a = await world.bot('a', room);
    const b = await world.bot('b', room);
    for (const bot of [a, b]) await mediaAgain(bot, undefined);
    const sids = [a.peer?.session.sid, b.peer?.session.sid];
    const prosody = world.confab.prosody;
    const pid = prosody?.pid;
    if (!prosody || !pid) throw new Error('no embedded Prosody');

    // Watch /health through the outage.
    const seen: (Health & { status: number })[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const res = await fetch(`${world.url}/health`).catch(() => null);
        if (res) seen.push({ ...((await res.json()) as Health), status: res.status });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');

    await waitFor('Prosody restarted', () => prosody.restarts === 1 && prosody.state === 'running');
    for (const [i, bot] of [a, b].entries()) await mediaAgain(bot, sids[i]);
    const backMs = performance.now() - killedAt;
    watching = false;
    await watcher;

    const down = seen.find((h) => !h.ok);
    expect(down).toMatchObject({ status: 503, prosody: { process: 'restarting' } });
    expect(down?.failing).toContain('prosody');
    expect(seen.at(-1)).toMatchObject({ ok: true, failing: [], prosody: { restarts: 1 } });
    expect(prosody.pid).not.toBe(pid);
    // Re-invited by the focus: they asked for the conference once, at the start.
    for (const bot of [a, b]) {
      const actions = bot.received.map((p) => p.action);
      expect(actions.filter((x) => x === 'session-initiate')).toHaveLength(2);
    }
    console.log(`Prosody kill -9 → media again for both bots: ${Math.round(backMs)} ms`);

    // A newcomer joins the restarted server's conference and gets both.
    const c = await world.bot('c', room);
    await c.waitForStats(
      (s) => new Set(s.filter((t) => t.framesDecoded > 3).map((t) => t.owner)).size === 2,
      'video from a and b',
      20000,
    );
    const metrics = await (await fetch(`${world.url}/metrics`)).text();
    expect(metrics).toContain('confab_prosody_restarts_total 1');
  } finally {
    await world.stop();
  }
});

test('a Confab killed and started again next to an external Prosody gives its participants media again', async () => {
  const xmpp = await startTestXmpp();
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-restart-'));
  const env = {
    CONFAB_PROSODY_EMBEDDED: 'false',
    CONFAB_PROSODY_COMPONENT_PORT: String(xmpp.ports.component),
    CONFAB_PROSODY_COMPONENT_SECRET: xmpp.focusSecret,
    CONFAB_TURN_ENABLED: 'false',
  };
  const start = () => startConfabChild(env, { script: confabScript(), dataDir });
  let confab = await start();
  const bots: ConferenceBot[] = [];
  try {
    const join = async (nick: string) => {
      const bot = await ConferenceBot.join({
        service: `xmpp://127.0.0.1:${xmpp.ports.c2s}`,
        domain: xmpp.guestDomain,
        room: `again@${xmpp.mucDomain}`,
        nick,
        focus: xmpp.focusDomain,
      });
      bots.push(bot);
      return bot;
    };
    const a = await join('a');
    const b = await join('b');
    for (const bot of [a, b]) await mediaAgain(bot, undefined);
    const sids = [a.peer?.session.sid, b.peer?.session.sid];

    await confab.kill();
    const restartedAt = performance.now();
    confab = await start();
    for (const [i, bot] of [a, b].entries()) await mediaAgain(bot, sids[i]);
    console.log(
      `Confab restart → media again for both bots: ${Math.round(performance.now() - restartedAt)} ms`,
    );
    for (const [i, bot] of [a, b].entries()) {
      // The old session was ended (connectivity-error), then a new one offered.
      const terminate = bot.received.find(
        (p) => p.action === 'session-terminate' && p.sid === sids[i],
      );
      expect(terminate?.reason?.condition).toBe('connectivity-error');
    }
    expect(await confab.metric('confab_focus_participants')).toBe(2);
  } finally {
    await Promise.all(bots.map((bot) => bot.crash()));
    await confab.stop();
    await xmpp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
