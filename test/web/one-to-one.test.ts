// 1:1 calls and invitations in the web client, end to end: headless Chromium
// signed in with an account, against wrtc CallBots (XEP-0353 + Jingle RTP)
// on the same Confab. The browser rings and answers, calls out, declines and
// is declined, goes through Confab's TURN only, and receives room
// invitations that a plain XMPP client receives too. Screenshots of the
// ringing screen and the call go to test/artifacts/.
import { mkdirSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import { client as xmppClient, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { CallBot } from '../../bot/CallBot';
import type { OneToOneCall } from '../../client/OneToOneCall';
import type { JingleReason, SessionInfo } from '../../jingle';
import {
  ARTIFACTS,
  launchBrowser,
  startWebConfab,
  withPageLogs,
  type Browser,
  type WebConfab,
} from './harness';
import {
  candidateTypes,
  cameraTiles,
  direct,
  join,
  openRoom,
  poll,
  received,
  signIn,
} from './pageActions';

jest.setTimeout(180000);

let web: WebConfab;
const browsers: Browser[] = [];
const bots: CallBot[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  web = await startWebConfab({
    // Relayed candidates are on loopback here: let the TURN server relay to it.
    'turn.allowed-peer-ranges': '127.0.0.0/8',
    'turn.min-port': 45000,
    'turn.max-port': 45999,
  });
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  for (const bot of bots) await bot.stop();
  await Promise.all(clients.map((c) => c.stop().catch(() => {})));
  await web?.stop();
});

/** Runs a step; when it fails, the pages' own logs are added to the error. */
const step = <T>(name: string, run: () => Promise<T>): Promise<T> =>
  withPageLogs(browsers, name, run);

async function account(name: string): Promise<string> {
  const password = `${name}-secret`;
  await web.confab.prosody?.createUser(name, password);
  return password;
}

async function bot(name: string, extra: Partial<Parameters<typeof CallBot.start>[0]> = {}) {
  const password = await account(name);
  const b = await CallBot.start({
    service: web.service,
    domain: web.domain,
    username: name,
    password,
    ...extra,
  });
  bots.push(b);
  return b;
}

/** A Chromium signed in as `name` on the home page. */
async function person(name: string, query = ''): Promise<Browser> {
  const password = await account(name);
  const browser = await launchBrowser();
  browsers.push(browser);
  await signIn(browser.page, web.url, name, password, query);
  return browser;
}

function ended(call: OneToOneCall): Promise<JingleReason> {
  return new Promise((resolve) => call.once('ended', resolve));
}

function infos(call: OneToOneCall): SessionInfo[] {
  const seen: SessionInfo[] = [];
  call.on('info', (info) => seen.push(info));
  return seen;
}

const audioFrom = (s: { kind: string; packets: number }[]): number =>
  s.filter((t) => t.kind === 'audio').reduce((n, t) => n + t.packets, 0);
const framesFrom = (s: { kind: string; framesDecoded: number }[]): number =>
  s.filter((t) => t.kind === 'video').reduce((n, t) => n + t.framesDecoded, 0);

/** The page receives audio and, when `video`, decoding video that keeps rising. */
async function pageReceives(page: Browser['page'], video: boolean, what: string): Promise<void> {
  const first = await poll(
    what,
    () => received(page),
    (r) => r.audio > 30 && (!video || r.frames > 0),
  );
  if (video)
    await poll(
      `${what} (frames rising)`,
      () => received(page),
      (r) => r.frames > first.frames + 5,
    );
}

test('sign in: a wrong password says so; "remember me" keeps the account across a reload', async () => {
  const password = await account('olivia');
  const b = await launchBrowser();
  browsers.push(b);
  const { page } = b;
  await step('wrong password', async () => {
    await page.goto(`${web.url}/`);
    await page.fill('#username', 'olivia');
    await page.fill('#password', 'not-her-password');
    await page.click('form.signin button[type="submit"]');
    await page.waitForSelector('#signin-error:not([hidden]) >> text=Wrong username or password.');
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-home-sign-in.png') });
  });
  await step('right password, remembered', async () => {
    await page.fill('#password', password);
    await page.check('#remember');
    await page.click('form.signin button[type="submit"]');
    await page.waitForSelector(`.presence[data-state="online"] >> text=olivia@${web.domain}`);
    await page.reload();
    await page.waitForSelector(`.presence[data-state="online"] >> text=olivia@${web.domain}`);
  });
  await step('sign out forgets it', async () => {
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('#username');
    await page.reload();
    await page.waitForSelector('#username');
    expect(await page.$('.presence')).toBeNull();
  });
});

test('a bot calls a signed-in browser user: it rings, the person accepts, media flows both ways, the bot hangs up', async () => {
  const b = await person('bob');
  const { page } = b;
  const alice = await bot('alice');
  const outgoing = await alice.call(`bob@${web.domain}`, ['audio', 'video']);

  await step('the browser rings', async () => {
    await page.waitForSelector('.direct[data-state="incoming"]');
    await page.waitForSelector('.direct-status >> text=Incoming video call');
    expect(await page.textContent('#direct-title')).toBe('alice');
    await poll(
      'the caller hears ringing',
      async () => outgoing.state,
      (s) => s === 'ringing',
    );
    // The main action has the keyboard focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe(
      'accept-video',
    );
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-1to1-ringing.png') });
  });

  const mutes = infos(outgoing);
  await step('accept with video; both sides receive media', async () => {
    await page.click('[data-action="accept-video"]');
    await page.waitForSelector('.direct[data-state="active"]');
    await pageReceives(page, true, 'audio and video from the bot');
    await alice.waitForStats(
      outgoing,
      (s) => audioFrom(s) > 30 && framesFrom(s) > 5,
      'audio and video from the browser',
      20000,
    );
    await page.waitForSelector('.direct[data-remote-video]');
    expect((await direct(page))?.connection).toBe('connected');
  });

  await step('statistics overlay and mute', async () => {
    await page.click('[data-action="stats"]');
    await poll(
      'statistics text',
      async () => (await page.textContent('.direct-stats')) ?? '',
      (t) => /bitrate +[1-9].*\nvideo +\d+×\d+.*\nloss +[\d.]+ %\nrtt +[\d.]+ ms/.test(t),
    );
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-1to1-call.png') });
    await page.click('[data-action="stats"]');
    await page.click('[data-action="mic"]');
    await poll(
      'the bot is told the microphone is muted',
      async () => mutes,
      (m) => m.some((i) => i.type === 'mute'),
    );
    await page.click('[data-action="mic"]');
  });

  await step('the bot hangs up; the browser shows the call ended', async () => {
    await outgoing.hangUp();
    await page.waitForSelector('.direct[data-state="ended"]');
    await page.waitForSelector('.direct-detail[data-end="ended"] >> text=/alice hung up after/');
    expect(await page.textContent('#direct-title')).toBe('Call ended');
    await page.click('[data-action="close"]');
    await page.waitForSelector('.direct', { state: 'detached' });
  });
});

test('the browser calls a bot: audio both ways, the camera upgrades the call to video, the browser hangs up', async () => {
  const b = await person('carol');
  const { page } = b;
  const dave = await bot('dave');
  const ringing = dave.nextIncoming();

  await step('call by name; it rings', async () => {
    await page.fill('#callee', 'dave');
    await page.click('[data-action="audio-call"]');
    await page.waitForSelector('.direct[data-state="outgoing"]');
    await page.waitForSelector('.direct-status >> text=Ringing…');
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-1to1-calling.png') });
  });
  const incoming = await ringing;
  expect(incoming.media).toEqual(['audio']);
  expect(incoming.remote.startsWith(`carol@${web.domain}/`)).toBe(true);

  const seen = infos(incoming);
  await step('the bot accepts; audio both ways', async () => {
    await incoming.accept();
    await page.waitForSelector('.direct[data-state="active"]');
    await pageReceives(page, false, 'audio from the bot');
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-1to1-audio.png') });
    await dave.waitForStats(incoming, (s) => audioFrom(s) > 30, 'audio from the browser');
  });

  await step('turning the camera on adds video (content-add)', async () => {
    await page.click('[data-action="camera"]');
    await dave.waitForStats(incoming, (s) => framesFrom(s) > 10, 'video from the browser', 20000);
    await page.waitForSelector('.direct-self:not([hidden])');
    await page.click('[data-action="camera"]');
    await poll(
      'the bot is told the camera is off',
      async () => seen,
      (m) => m.some((i) => i.type === 'mute'),
    );
  });

  await step('the browser hangs up; the bot sees the end', async () => {
    const botSeesEnd = ended(incoming);
    await page.click('[data-action="hangup"]');
    expect((await botSeesEnd).condition).toBe('success');
    await page.waitForSelector('.direct-detail[data-end="ended"] >> text=/You hung up/');
  });
});

test('declined calls: the browser declines a bot, and a bot declines the browser', async () => {
  const b = await person('erin');
  const { page } = b;
  const frank = await bot('frank');

  await step('the browser declines', async () => {
    const outgoing = await frank.call(`erin@${web.domain}`, ['audio']);
    const callerSeesEnd = ended(outgoing);
    await page.waitForSelector('.direct[data-state="incoming"] >> text=Incoming audio call');
    await page.click('[data-action="decline"]');
    expect((await callerSeesEnd).condition).toBe('decline');
    await page.waitForSelector('.direct-detail[data-end="declined"]');
    await page.click('[data-action="close"]');
  });

  await step('the bot declines', async () => {
    const ringing = frank.nextIncoming();
    await page.fill('#callee', `frank@${web.domain}`);
    await page.click('[data-action="video-call"]');
    await (await ringing).decline();
    await page.waitForSelector('.direct[data-state="ended"]');
    await page.waitForSelector(
      '.direct-detail[data-end="declined"] >> text=frank declined your call.',
    );
    expect(await page.textContent('#direct-title')).toBe('Call declined');
    await page.screenshot({ path: pathJoin(ARTIFACTS, 'web-1to1-declined.png') });
  });

  await step('an address with no account cannot be reached', async () => {
    await page.click('[data-action="close"]');
    await page.fill('#callee', 'nobody-here');
    await page.click('[data-action="audio-call"]');
    await page.waitForSelector('.direct-detail[data-end="unreachable"]');
  });
});

test('relay only: the browser and the bot reach each other through Confab TURN with XEP-0215 credentials', async () => {
  const b = await person('grace', '?ice=relay');
  const { page } = b;
  const heidi = await bot('heidi', { useExternalServices: true, iceTransportPolicy: 'relay' });
  expect(heidi.ice.some((s) => String(s.urls).startsWith('turn:') && s.username)).toBe(true);
  const relayedBefore = web.confab.turn?.metrics().relayedBytes ?? 0;
  const outgoing = await heidi.call(`grace@${web.domain}`, ['audio', 'video']);

  await step('accept; media both ways through TURN', async () => {
    await page.click('[data-action="accept-video"]');
    await pageReceives(page, true, 'relayed media from the bot');
    await heidi.waitForStats(
      outgoing,
      (s) => audioFrom(s) > 30 && framesFrom(s) > 5,
      'relayed media from the browser',
      30000,
    );
    const pairs = await candidateTypes(page);
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) expect(pair).toEqual({ local: 'relay', remote: 'relay' });
    expect((web.confab.turn?.metrics().relayedBytes ?? 0) - relayedBefore).toBeGreaterThan(50000);
  });
  await outgoing.hangUp();
  await page.waitForSelector('.direct[data-state="ended"]');
});

test('an invitation from a room reaches a signed-in browser and a plain XMPP client with the link; Join opens the room', async () => {
  const room = 'team-sync';
  const roomJid = web.roomJid(room);
  const link = `${web.url}/${room}`;
  const ivan = await person('ivan');

  const judyPassword = await account('judy');
  const judy = xmppClient({
    service: web.service,
    domain: web.domain,
    username: 'judy',
    password: judyPassword,
  });
  judy.on('error', () => {});
  clients.push(judy);
  const judyGot: Element[] = [];
  judy.on('stanza', (s: Element) => {
    if (s.name === 'message') judyGot.push(s);
  });
  await judy.start();
  await judy.send(xml('presence')); // available: messages to the bare JID reach this client

  const kim = await launchBrowser();
  browsers.push(kim);
  await step('Kim joins the room as a guest and invites two people', async () => {
    await openRoom(kim.page, web.url, room);
    await join(kim.page, 'Kim');
    await kim.page.click('[data-action="invite"]');
    await kim.page.waitForSelector(`.invite-panel >> text=${link}`);
    await kim.page.fill('#invitee', 'ivan');
    await kim.page.press('#invitee', 'Enter');
    await kim.page.waitForSelector(`.sent-invitations li[data-jid="ivan@${web.domain}"]`);
    await kim.page.fill('#invitee', `judy@${web.domain}`);
    await kim.page.click('[data-action="send-invitation"]');
    await kim.page.waitForSelector(`.sent-invitations li[data-jid="judy@${web.domain}"]`);
    await kim.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-invite-panel.png') });
  });

  await step('the plain XMPP client receives a XEP-0249 invitation with the link', async () => {
    const invitation = await poll(
      'the invitation at judy',
      async () => judyGot.find((m) => m.getChild('x', 'jabber:x:conference')),
      (m) => m !== undefined,
    );
    const x = invitation?.getChild('x', 'jabber:x:conference');
    expect(x?.attrs.jid).toBe(roomJid);
    expect(x?.attrs.reason).toContain(link);
    expect(invitation?.getChildText('body')).toContain(link);
  });

  await step('the signed-in browser shows it; Join opens the room', async () => {
    const item = `.invitations li[data-room="${roomJid}"]`;
    await ivan.page.waitForSelector(`${item} >> text=Kim invites you to join the call in ${room}`);
    await ivan.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-home-invitation.png') });
    await ivan.page.click(`${item} [data-action="join-invitation"]`);
    await ivan.page.waitForSelector('#display-name');
    expect(new URL(ivan.page.url()).pathname).toBe(`/${room}`);
    await ivan.page.waitForSelector(`text=You join as ivan@${web.domain}.`);
    await join(ivan.page, 'Ivan');
    await poll(
      'Kim sees Ivan',
      () => cameraTiles(kim.page),
      (t) => t.includes('Ivan'),
    );
  });

  await step('a call to Ivan rings over the room; taking it leaves the room', async () => {
    const mallory = await bot('mallory');
    const outgoing = await mallory.call(`ivan@${web.domain}`, ['audio']);
    await ivan.page.waitForSelector(
      '.call-layer[data-over-conference] .direct[data-state="incoming"]',
    );
    expect(await ivan.page.$('.call[data-phase="joined"]')).not.toBeNull();
    await ivan.page.screenshot({ path: pathJoin(ARTIFACTS, 'web-1to1-ringing-in-room.png') });
    await ivan.page.click('[data-action="accept-audio"]');
    await ivan.page.waitForSelector('.direct[data-state="active"]');
    await mallory.waitForStats(outgoing, (s) => audioFrom(s) > 30, 'audio from Ivan');
    await poll(
      'Ivan left the room',
      () => cameraTiles(kim.page),
      (t) => !t.includes('Ivan'),
    );
    await outgoing.hangUp();
    await ivan.page.waitForSelector('.direct[data-state="ended"]');
  });
});
