// One guest floods as fast as its connection lets it for 10 s (conference
// requests, Jingle for sessions it does not have, room chat) while two bots
// talk. Prosody's limits read it slowly and the focus's budget refuses it:
// the bots' media never stalls, a newcomer joins right after, and the flooder
// is told policy-violation.
import { readFileSync } from 'node:fs';
import xml, { type Element } from '@xmpp/xml';
import { startTestConfab, type TestConfab } from '../harness/confab';
import { RawParticipant } from '../harness/rawParticipant';
import type { ConferenceBot } from '../../bot/ConferenceBot';

const FLOOD_MS = 10000;
const POLL_MS = 200;

let world: TestConfab;
afterAll(() => world?.stop());

const packets = async (bot: ConferenceBot): Promise<number> =>
  (await bot.stats()).reduce((n, t) => n + t.packets, 0);

const rssMb = (pid: number): number =>
  Math.round((Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096) / 2 ** 20);

/** Longest time, in ms, between two increases of a bot's received packets while `until` runs. */
async function longestStall(bots: ConferenceBot[], until: Promise<void>): Promise<number[]> {
  let done = false;
  void until.then(() => (done = true));
  const last = await Promise.all(bots.map(packets));
  const lastChange = bots.map(() => performance.now());
  const worst = bots.map(() => 0);
  while (!done) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const now = performance.now();
    const current = await Promise.all(bots.map(packets));
    current.forEach((n, i) => {
      if (n > (last[i] ?? 0)) {
        last[i] = n;
        lastChange[i] = now;
      }
      worst[i] = Math.max(worst[i] ?? 0, now - (lastChange[i] ?? now));
    });
  }
  return worst;
}

test('a flooding guest neither stalls the media nor keeps others out, and is told policy-violation', async () => {
  world = await startTestConfab();
  const room = world.room('flood');
  const alice = await world.bot('alice', room);
  const bob = await world.bot('bob', room);
  for (const bot of [alice, bob])
    await bot.waitForStats((s) => s.some((t) => t.framesDecoded > 3), 'media before the flood');
  const prosodyPid = world.confab.prosody?.pid ?? 0;
  const rssBefore = rssMb(prosodyPid);

  const mallory = await RawParticipant.start({
    service: world.service,
    domain: `guest.${world.domain}`,
    room,
    nick: 'mallory',
  });
  const conditions = new Map<string, number>();
  mallory.xmpp.on('stanza', (stanza: Element) => {
    const condition = stanza
      .getChild('error')
      ?.getChildElements()
      .find((c) => c.attrs.xmlns === 'urn:ietf:params:xml:ns:xmpp-stanzas')?.name;
    if (condition) conditions.set(condition, (conditions.get(condition) ?? 0) + 1);
  });
  const focus = `focus.${world.domain}`;
  const stanzas = [
    (i: number) =>
      xml(
        'iq',
        { type: 'set', to: focus, id: `r${i}` },
        xml('conference', {
          xmlns: 'http://jitsi.org/protocol/focus',
          room: `x${i}@conference.${world.domain}`,
        }),
      ),
    (i: number) =>
      xml(
        'iq',
        { type: 'set', to: focus, id: `j${i}` },
        xml('jingle', { xmlns: 'urn:xmpp:jingle:1', action: 'session-info', sid: `nope${i}` }),
      ),
    (i: number) =>
      xml(
        'message',
        { type: 'groupchat', to: room },
        xml('body', {}, `spam ${i} ${'x'.repeat(80)}`),
      ),
  ];

  let sent = 0;
  const floodStart = performance.now();
  const flood = (async () => {
    while (performance.now() - floodStart < FLOOD_MS) {
      await mallory.xmpp.send(stanzas[sent % stanzas.length]?.(sent) ?? xml('presence'));
      sent++;
    }
  })();
  const stalls = await longestStall([alice, bob], flood);
  const floodEnd = performance.now();
  const rssAfter = rssMb(prosodyPid);

  const carol = await world.bot('carol', room);
  await carol.waitForStats(
    (s) => new Set(s.filter((t) => t.framesDecoded > 0).map((t) => t.owner)).size === 2,
    'video from alice and bob',
    5000,
  );
  const joinedMs = performance.now() - floodEnd;
  console.log(
    `flood: ${sent} stanzas in ${FLOOD_MS / 1000} s (${Math.round(sent / (FLOOD_MS / 1000))}/s); ` +
      `longest media stall ${stalls.map(Math.round).join(' / ')} ms; newcomer media ${Math.round(joinedMs)} ms after; ` +
      `Prosody RSS ${rssBefore} → ${rssAfter} MB; errors ${JSON.stringify(Object.fromEntries(conditions))}`,
  );
  for (const stall of stalls) expect(stall).toBeLessThanOrEqual(1000);
  expect(joinedMs).toBeLessThan(5000);
  expect(conditions.get('policy-violation')).toBeGreaterThan(0);
  // No room was made for the requests, and the three people are still in their conference.
  expect(world.confab.focus.counts()).toMatchObject({ conferences: 1, rooms: 1, participants: 3 });
  await mallory.stop();
});
