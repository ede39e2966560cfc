// Federation: a user whose account lives on domain B joins a conference in a
// room on domain A over server-to-server links (certificates from a test CA,
// name resolution from a test hosts file, 127.0.0.2 and 127.0.0.3), and
// exchanges media with a local user. With the policy "local only", B's user
// is refused and the local participants are not disturbed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestConfab, type TestConfab } from '../harness/confab';
import { startTestXmpp, type TestXmpp } from '../harness/xmpp';
import { createTestPki, writeHostsFile, type TestPki } from '../harness/federation';
import { stanzaErrorOf } from '../harness/errors';
import { ConferenceBot } from '../../bot/ConferenceBot';

const A = 'domain-a.test';
const B = 'domain-b.test';
let dir: string;
let pki: TestPki;
let hostsFile: string;
let domainB: TestXmpp;
const bots: ConferenceBot[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'confab-federation-'));
  pki = createTestPki(join(dir, 'pki'), [A, B]);
  hostsFile = writeHostsFile(join(dir, 'hosts'), { '127.0.0.2': A, '127.0.0.3': B });
  domainB = await startTestXmpp({
    domain: B,
    listen: ['127.0.0.3'],
    s2sPort: 5269,
    federation: { enabled: true, secureAuth: true },
    certificates: pki.certificates[B],
    caFile: pki.caFile,
    hostsFile,
  });
  await domainB.createUser('bob', 'bobs-password');
});

afterAll(async () => {
  for (const bot of bots) await bot.crash();
  await domainB?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startDomainA(remoteDomains: string): Promise<TestConfab> {
  return startTestConfab({
    'server.domain': A,
    'prosody.listen': '127.0.0.2',
    'prosody.federation': 'true',
    'prosody.s2s-port': 5269,
    'prosody.certificates': pki.certificates[A],
    'prosody.ca-file': pki.caFile,
    'prosody.hosts-file': hostsFile,
    'focus.remote-domains': remoteDomains,
  });
}

/** A guest on domain A, over Confab's WebSocket (c2s would need the test CA). */
async function localBot(a: TestConfab, nick: string, room: string): Promise<ConferenceBot> {
  const bot = await a.bot(nick, room, {
    service: `ws://127.0.0.1:${a.confab.ports.http}/xmpp-websocket`,
  });
  bots.push(bot);
  return bot;
}

function remoteBot(room: string, requestConference = true): Promise<ConferenceBot> {
  return ConferenceBot.join({
    service: domainB.websocketUrl,
    domain: B,
    username: 'bob',
    password: 'bobs-password',
    room,
    nick: 'bob',
    focus: `focus.${A}`,
    requestConference,
    timeoutMs: 20000,
  }).then((bot) => {
    bots.push(bot);
    return bot;
  });
}

const framesFrom = (stats: Awaited<ReturnType<ConferenceBot['stats']>>): number =>
  stats.filter((s) => s.kind === 'video').reduce((n, s) => n + s.framesDecoded, 0);

test('a user of domain B joins a conference on domain A and exchanges media', async () => {
  const a = await startDomainA('all');
  try {
    const room = a.room('federated');
    const alice = await localBot(a, 'alice', room);
    const bob = await remoteBot(room);
    expect(bob.jid).toMatch(/^bob@domain-b\.test\//);
    for (const bot of [alice, bob]) {
      await bot.waitForStats(
        (s) => framesFrom(s) > 5 && s.some((t) => t.kind === 'audio' && t.packets > 20),
        'media across the federation',
        30000,
      );
    }
    const conference = a.confab.focus.conference(room);
    const bareJids = [...(conference?.participants.values() ?? [])].map((p) => p.jid.split('/')[0]);
    expect(bareJids).toHaveLength(2);
    expect(bareJids).toContain(`bob@${B}`);
    expect(bareJids.find((j) => j !== `bob@${B}`)).toMatch(/@guest\.domain-a\.test$/);
    await bob.leave();
    await alice.leave();
  } finally {
    await a.stop();
  }
});

test('with conferences open to local users only, B is refused and nobody else is disturbed', async () => {
  const a = await startDomainA('none');
  try {
    const room = a.room('localonly');
    const alice = await localBot(a, 'alice', room);
    const carol = await localBot(a, 'carol', room);
    await alice.waitForStats((s) => framesFrom(s) > 3, 'local media');
    const bob = await remoteBot(room, false);
    const error = await stanzaErrorOf(bob.requestConference());
    expect(error).toMatchObject({ condition: 'not-allowed', type: 'cancel' });
    expect(error.text).toMatch(/local users only; domain-b\.test is a remote domain/);

    const before = framesFrom(await carol.stats());
    await new Promise((r) => setTimeout(r, 1500));
    expect(framesFrom(await carol.stats())).toBeGreaterThan(before);
    expect(a.confab.focus.counts()).toMatchObject({ participants: 2 });
  } finally {
    await a.stop();
  }
});
