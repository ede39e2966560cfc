/**
 * Soak: 1,000 join/leave cycles (a third of them crashes: the socket is cut
 * and nothing is said) against one Confab process, in a few rooms that each
 * keep one resident sender. Every 100 cycles it forces a garbage collection
 * in Confab (SIGUSR2 under --expose-gc) and prints its RSS, open file
 * descriptors and SFU counters; at the end, once everyone has left, every
 * counter must be back to zero and the RSS within RSS_BOUND_MB of the start.
 * A figure to report, not a test.
 */
import { ConferenceBot } from '../bot/ConferenceBot';
import { configureLogging } from '../common/logger';
import { startConfabChild, type ConfabChild } from './confabProcess';
import { table } from './stats';

const CYCLES = Number(process.env.SOAK_CYCLES ?? 1000);
const ROOMS = 4;
/** Cycles running at once. */
const PARALLEL = 4;
/** How much Confab's RSS may grow over the whole run, after a forced GC (warm-up included). */
const RSS_BOUND_MB = 40;
/** How much it may grow once warm: from the sample at 100 cycles to the largest after it. */
const STEADY_BOUND_MB = 10;
/** Crashed clients stay in their rooms this long (XEP-0198 hibernation). */
const HIBERNATION_S = 2;

const COUNTERS = [
  'conferences',
  'participants',
  'routers',
  'transports',
  'producers',
  'consumers',
] as const;

async function sample(confab: ConfabChild, cycle: number): Promise<(string | number)[]> {
  process.kill(confab.pid, 'SIGUSR2'); // garbage collection, then let it settle
  await new Promise((r) => setTimeout(r, 500));
  const counts = await Promise.all(COUNTERS.map((c) => confab.metric(`confab_focus_${c}`)));
  return [cycle, Math.round(confab.rssBytes() / 2 ** 20), confab.openFds(), ...counts];
}

async function main(): Promise<void> {
  if (!process.env.CONFAB_LOG_LEVEL) configureLogging({ level: 'error' });
  const confab = await startConfabChild(
    { CONFAB_PROSODY_SESSION_HIBERNATION: String(HIBERNATION_S), CONFAB_LOG_LEVEL: 'error' },
    { nodeArgs: ['--expose-gc'] },
  );
  const join = (room: number, nick: string): Promise<ConferenceBot> =>
    ConferenceBot.join({
      service: `xmpp://127.0.0.1:${confab.c2sPort}`,
      domain: `guest.${confab.domain}`,
      room: `soak${room}@conference.${confab.domain}`,
      nick,
      focus: `focus.${confab.domain}`,
      video: { width: 160, height: 120, fps: 5 },
      timeoutMs: 20000,
    });
  const rows: (string | number)[][] = [];
  let failures = 0;
  try {
    const residents = await Promise.all(
      Array.from({ length: ROOMS }, (_, i) => join(i, `resident${i}`)),
    );
    rows.push(await sample(confab, 0));
    const started = performance.now();
    let next = 0;
    let done = 0;
    const cycle = async (n: number): Promise<void> => {
      const bot = await join(n % ROOMS, `c${n}`);
      // Until its session is up (it sends and receives), or it gave up trying.
      const deadline = Date.now() + 10000;
      while (!bot.peer?.established && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      if (!bot.peer?.established) failures++;
      if (n % 3 === 2) await bot.crash();
      else await bot.leave();
    };
    const worker = async (): Promise<void> => {
      while (next < CYCLES) {
        const n = next++;
        await cycle(n).catch(() => failures++);
        done++;
        if (done % 100 === 0) rows.push(await sample(confab, done));
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    for (const bot of residents) await bot.leave();
    // Crashed clients leave after their hibernation; then everything must be gone.
    await new Promise((r) => setTimeout(r, (HIBERNATION_S + 3) * 1000));
    const last = await sample(confab, done);
    last[0] = `${done} (all left)`;
    rows.push(last);
    console.log(table(['cycles', 'RSS MB', 'fds', ...COUNTERS], rows));
    const startRss = Number(rows[0]?.[1]);
    const endRss = Number(last[1]);
    const warm = rows.slice(1).map((r) => Number(r[1]));
    const steadyGrowth = Math.max(...warm) - (warm[0] ?? NaN);
    const leftovers = COUNTERS.filter((_, i) => last[3 + i] !== 0);
    console.log(
      `soak_cycles=${done} soak_seconds=${Math.round((performance.now() - started) / 1000)} ` +
        `soak_failed_cycles=${failures} rss_start_mb=${startRss} rss_end_mb=${endRss} ` +
        `rss_growth_mb=${endRss - startRss} rss_bound_mb=${RSS_BOUND_MB} ` +
        `rss_steady_growth_mb=${steadyGrowth} rss_steady_bound_mb=${STEADY_BOUND_MB} ` +
        `fds_start=${rows[0]?.[2]} fds_end=${last[2]} counters_at_zero=${leftovers.length === 0}`,
    );
    if (leftovers.length) console.log(`not back to zero: ${leftovers.join(', ')}`);
    if (leftovers.length || endRss - startRss > RSS_BOUND_MB || steadyGrowth > STEADY_BOUND_MB)
      process.exitCode = 1;
  } finally {
    await confab.stop();
  }
  // Exit at once: @roamhq/wrtc may crash while Node tears its peer connections down.
  process.exit(process.exitCode ?? 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
