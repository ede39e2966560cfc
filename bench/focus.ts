/**
 * The focus's cost per join as the room grows: lightweight participants
 * (real XMPP, Jingle, ICE and DTLS; tracks that send nothing, so nothing is
 * decoded) join one room one by one, up to 50. For each join it reports the
 * focus process's CPU time and the stanzas it sent, from the start of the
 * join until the newcomer is connected and every other participant has the
 * newcomer's tracks. Prosody and the mediasoup worker are not counted.
 *
 * Run: npm run bench:focus   (BENCH_FOCUS_PARTICIPANTS, default 50;
 *   BENCH_FOCUS_PROFILE=<dir> writes a V8 CPU profile of the focus there)
 * The last line is: focus_cpu_ms_per_join_at_10=… focus_cpu_ms_per_join_at_50=… ratio=…
 */
import { ConferenceBot } from '../bot/ConferenceBot';
import { configureLogging } from '../common/logger';
import { startConfabChild } from './confabProcess';
import { percentile, table } from './stats';

const PARTICIPANTS = Number(process.env.BENCH_FOCUS_PARTICIPANTS ?? 50);
const PROFILE = process.env.BENCH_FOCUS_PROFILE;
/** Joins whose median is quoted "at 10" and "at N": the five up to that size. */
const WINDOW = 5;
/** After the last content-add arrived: the content-accepts that answer it. */
const TAIL_MS = 300;
const TIMEOUT_MS = 30000;
const IDLE_MS = 2000;

async function main(): Promise<void> {
  if (!process.env.CONFAB_LOG_LEVEL) configureLogging({ level: 'warn' });
  const confab = await startConfabChild(
    {},
    PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {},
  );
  const bots: ConferenceBot[] = [];
  /** Remote contents each bot has, by bot. */
  const tracks = new Map<ConferenceBot, Set<string>>();
  const cpu: number[] = [];
  const stanzas: number[] = [];
  const rows: (string | number)[][] = [];
  const small = Math.min(10, PARTICIPANTS);
  /** The focus's CPU per second with nobody joining, at the two sizes quoted. */
  const idle = new Map<number, number>();
  const idleCpuPerSecond = async (): Promise<number> => {
    const cpu0 = confab.cpuMs();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return ((confab.cpuMs() - cpu0) * 1000) / IDLE_MS;
  };
  try {
    for (let n = 1; n <= PARTICIPANTS; n++) {
      const stanzas0 = await confab.metric('confab_focus_stanzas_sent_total');
      const cpu0 = confab.cpuMs();
      const t0 = performance.now();
      const bot = await ConferenceBot.join({
        service: `xmpp://127.0.0.1:${confab.c2sPort}`,
        domain: `guest.${confab.domain}`,
        room: `focus-bench@conference.${confab.domain}`,
        nick: `p${n}`,
        focus: `focus.${confab.domain}`,
        light: true,
        timeoutMs: TIMEOUT_MS,
      });
      const own = new Set<string>();
      tracks.set(bot, own);
      bot.on('trackadded', (content) => own.add(content));
      bot.on('trackremoved', (content) => own.delete(content));
      bots.push(bot);
      const connected = await bot.timeline.when('DTLS connected', TIMEOUT_MS);
      // Everyone has everyone else's two tracks.
      await until(() => bots.every((b) => tracks.get(b)?.size === 2 * (n - 1)), 'the content-adds');
      const settled = performance.now() - t0;
      await new Promise((r) => setTimeout(r, TAIL_MS));
      cpu.push(confab.cpuMs() - cpu0);
      stanzas.push((await confab.metric('confab_focus_stanzas_sent_total')) - stanzas0);
      rows.push([
        n,
        Math.round(connected),
        Math.round(settled),
        stanzas[n - 1] ?? 0,
        Math.round(cpu[n - 1] ?? 0),
      ]);
      if (n === small || n === PARTICIPANTS) idle.set(n, await idleCpuPerSecond());
      if (n % 10 === 0) console.error(`[bench:focus] ${n} participants`);
    }
  } finally {
    // Confab first, so that a profile holds the joins, not the room's teardown.
    await confab.stop();
    await Promise.all(bots.map((b) => b.crash()));
  }
  console.log('per join, ms from its start; focus CPU and stanzas from the start until settled');
  console.log(
    table(['n', 'DTLS connected', 'all have its tracks', 'focus stanzas', 'focus CPU ms'], rows),
  );
  const at = (size: number): number => Math.round(percentile(cpu.slice(size - WINDOW, size), 50));
  console.log(
    `focus CPU with nobody joining: ${[...idle].map(([n, ms]) => `${ms.toFixed(1)} ms/s at ${n}`).join(', ')}`,
  );
  console.log(
    `focus_cpu_ms_per_join_at_${small}=${at(small)} focus_cpu_ms_per_join_at_${PARTICIPANTS}=${at(PARTICIPANTS)} ` +
      `ratio=${(at(PARTICIPANTS) / at(small)).toFixed(2)} ` +
      `focus_stanzas_per_join_at_${small}=${stanzas[small - 1]} focus_stanzas_per_join_at_${PARTICIPANTS}=${stanzas[PARTICIPANTS - 1]}`,
  );
  process.exit(0);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
