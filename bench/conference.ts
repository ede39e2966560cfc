/**
 * Conference join cost: participants join one room one by one, up to 10.
 * For each join it reports when each step of the join completed, in ms from
 * its start (login, room join, conference result, session-initiate, accept,
 * DTLS connected, first RTP, first decoded video frame from someone else),
 * the stanzas the focus sent, and the focus process's CPU time. Every step is
 * event-driven (bot/JoinTimeline.ts). Confab runs as a child process; the bots
 * (real libwebrtc) run here. A figure to report, not a test.
 */
import { ConferenceBot } from '../bot/ConferenceBot';
import { JOIN_STEPS } from '../bot/JoinTimeline';
import { configureLogging } from '../common/logger';
import { startConfabChild } from './confabProcess';
import { percentile, table } from './stats';

const PARTICIPANTS = Number(process.env.BENCH_PARTICIPANTS ?? 10);
const SETTLE_MS = 1500;
/** A key frame request is served at the next captured frame; 30 fps saturates 2 cores with 10 bots decoding 9 streams each. */
const BENCH_FPS = Number(process.env.BENCH_FPS ?? 15);

async function main(): Promise<void> {
  // The bots' own logs would drown the table.
  if (!process.env.CONFAB_LOG_LEVEL) configureLogging({ level: 'warn' });
  const confab = await startConfabChild();
  const bots: ConferenceBot[] = [];
  const rows: (string | number)[][] = [];
  const joinMs: number[] = [];
  const cpuPerJoin: number[] = [];
  let stanzasAtLast = NaN;
  try {
    for (let n = 1; n <= PARTICIPANTS; n++) {
      const stanzas0 = await confab.metric('confab_focus_stanzas_sent_total');
      const cpu0 = confab.cpuMs();
      const bot = await ConferenceBot.join({
        service: `xmpp://127.0.0.1:${confab.c2sPort}`,
        domain: `guest.${confab.domain}`,
        room: `bench@conference.${confab.domain}`,
        nick: `bot${n}`,
        focus: `focus.${confab.domain}`,
        video: { width: 160, height: 120, fps: BENCH_FPS },
        timeoutMs: 30000,
      });
      bots.push(bot);
      if (n > 1) joinMs.push(await bot.timeline.when('first frame', 30000));
      // Let the others' content-accepts and keyframe requests finish.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const stanzas = (await confab.metric('confab_focus_stanzas_sent_total')) - stanzas0;
      const cpu = confab.cpuMs() - cpu0;
      cpuPerJoin.push(cpu);
      stanzasAtLast = stanzas;
      rows.push([
        n,
        ...JOIN_STEPS.map((step) => {
          const at = bot.timeline.at(step);
          return at === undefined ? '-' : Math.round(at);
        }),
        stanzas,
        Math.round(cpu),
      ]);
    }
  } finally {
    for (const bot of bots) await bot.leave().catch(() => {});
    await confab.stop();
  }
  console.log('ms from the start of each join; focus figures per join');
  console.log(table(['n', ...JOIN_STEPS, 'focus stanzas', 'focus CPU ms'], rows));
  console.log(
    `join_first_frame_p50_ms=${Math.round(percentile(joinMs, 50))} join_first_frame_p95_ms=${Math.round(percentile(joinMs, 95))} ` +
      `focus_stanzas_per_join_at_${PARTICIPANTS}=${stanzasAtLast} focus_cpu_ms_per_join_p50=${Math.round(percentile(cpuPerJoin, 50))}`,
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
