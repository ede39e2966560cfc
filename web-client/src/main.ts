/**
 * The page: `/` is the home screen (open a room; sign in to call people and
 * be reachable), `/<room>` shows the pre-join screen and then the call. The
 * page moves between them without reloading, so a signed-in session lasts
 * as long as the tab (or longer, when the person asked to be remembered). A
 * 1:1 call's screen lies over whatever is open. `window.confab` exposes the
 * recent log, the media statistics and the call states, for bug reports and
 * the end-to-end tests. `?ice=relay` sends 1:1 calls through TURN only.
 */
import type { MucInvitation } from '../../client/mucInvitation';
import type { OneToOneCall } from '../../client/OneToOneCall';
import type { MediaKind } from '../../jingle';
import { errorMessage } from '../../common/errors';
import { Account } from './account/Account';
import { Call } from './call/Call';
import { StatsSampler, type TrackStats } from './call/stats';
import { loadClientConfig, websocketUrl, type ClientConfig } from './config';
import { DirectCall } from './direct/DirectCall';
import { createLogger, installLogging, recentLogs } from './log';
import { LocalMedia } from './media/LocalMedia';
import { roomFromPath } from './room';
import { load, save } from './storage';
import { CallView } from './ui/CallView';
import { DirectCallScreen } from './ui/DirectCallScreen';
import { h } from './ui/dom';
import { HomeScreen, type HomeState } from './ui/HomeScreen';
import { PreJoin } from './ui/PreJoin';
import { endedScreen, errorScreen } from './ui/screens';
import { Toasts } from './ui/Toasts';
import { ConnectionError } from './xmpp/XmppConnection';

const params = new URLSearchParams(location.search);
installLogging(params.has('debug') ? 'debug' : 'info');
const log = createLogger('app');
const ICE_POLICY: RTCIceTransportPolicy = params.get('ice') === 'relay' ? 'relay' : 'all';

interface Screen {
  el: HTMLElement;
  destroy(): void;
}

interface Conference {
  call: Call;
  view: CallView;
  media: LocalMedia;
  room: string;
}

interface Direct {
  call: DirectCall;
  screen: DirectCallScreen;
}

class App {
  private readonly screenHost = h('div', { class: 'app-screen' });
  private readonly layer = h('div', { class: 'call-layer' });
  private readonly toasts = new Toasts();
  private config: ClientConfig | null = null;
  private account: Account | null = null;
  private signingIn = false;
  private signInProblem: string | undefined;
  private screen: Screen | null = null;
  private home: HomeScreen | null = null;
  private conference: Conference | null = null;
  private direct: Direct | null = null;

  constructor(private readonly root: HTMLElement) {}

  async start(): Promise<void> {
    try {
      this.config = await loadClientConfig();
    } catch (error) {
      this.root.replaceChildren(
        errorScreen('Confab is not reachable', errorMessage(error), () => void this.start()),
      );
      return;
    }
    this.root.replaceChildren(this.screenHost, this.layer, this.toasts.el);
    window.addEventListener('popstate', () => this.route());
    document.addEventListener('click', (event) => this.followLink(event));
    window.addEventListener('pagehide', () => {
      void this.conference?.call.leave();
      void this.direct?.call.hangUp();
    });
    const remembered = rememberedAccount();
    if (remembered) void this.signIn(remembered.username, remembered.password, true, true);
    this.route();
  }

  // --- navigation ------------------------------------------------------------------------------

  navigate(path: string): void {
    if (location.pathname !== path) history.pushState(null, '', path + location.search);
    this.route();
  }

  /** Same-origin links move within the page (a reload would sign the person out). */
  private followLink(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[href]');
    if (!(link instanceof HTMLAnchorElement) || link.target || link.origin !== location.origin)
      return;
    event.preventDefault();
    this.navigate(link.pathname);
  }

  private route(): void {
    void this.leaveConference(false);
    const room = roomFromPath(location.pathname);
    if (room) this.showRoom(room);
    else
      this.showHome(
        location.pathname === '/'
          ? undefined
          : 'That address is not a room name. Choose a name below.',
      );
  }

  private mount(screen: Screen): void {
    this.screen?.destroy();
    this.screen = screen;
    this.screenHost.replaceChildren(screen.el);
  }

  // --- home and account ------------------------------------------------------------------------

  private homeState(): HomeState {
    const state: HomeState = { account: this.account, signingIn: this.signingIn };
    if (this.signInProblem) state.signInProblem = this.signInProblem;
    return state;
  }

  private showHome(problem?: string): void {
    const config = this.requireConfig();
    document.title = 'Confab';
    const home = new HomeScreen(
      config,
      {
        openRoom: (room) => this.navigate(`/${encodeURIComponent(room)}`),
        signIn: (username, password, remember) => this.signIn(username, password, remember),
        signOut: () => void this.signOut(),
        reconnect: () => void this.account?.reconnect().catch(() => {}),
        call: (jid, kinds) => this.placeCall(jid, kinds),
        join: (invitation) => this.joinInvitation(invitation),
      },
      this.homeState(),
      problem,
    );
    this.home = home;
    this.mount({
      el: home.el,
      destroy: () => {
        home.destroy();
        if (this.home === home) this.home = null;
      },
    });
  }

  private refreshHome(): void {
    this.home?.update(this.homeState());
  }

  /** Signs in; a wrong password or an unreachable server rejects with words for people. */
  private async signIn(
    username: string,
    password: string,
    remember: boolean,
    automatic = false,
  ): Promise<void> {
    const config = this.requireConfig();
    this.signingIn = automatic;
    this.signInProblem = undefined;
    if (automatic) this.refreshHome();
    try {
      const account = await Account.signIn({
        config,
        service: websocketUrl(config, location),
        username,
        password,
        icePolicy: ICE_POLICY,
      });
      save('account', remember ? JSON.stringify({ username, password }) : null);
      this.account = account;
      account.on('incoming', (call) => this.ring(call));
      log.info('signed in', { jid: account.jid });
      this.signingIn = false;
      this.refreshHome();
    } catch (error) {
      if (error instanceof ConnectionError && error.kind === 'auth') save('account', null);
      this.signingIn = false;
      if (!automatic) throw error; // the form says why
      this.signInProblem = errorMessage(error);
      this.refreshHome();
    }
  }

  private async signOut(): Promise<void> {
    const account = this.account;
    this.account = null;
    save('account', null);
    this.refreshHome();
    await account?.signOut();
  }

  private joinInvitation(invitation: MucInvitation): void {
    const config = this.requireConfig();
    this.account?.dismissInvitation(invitation);
    const [local = '', service = ''] = invitation.room.split('@');
    const room = roomFromPath(`/${local}`);
    if (service === config.mucDomain && room) this.navigate(`/${encodeURIComponent(room)}`);
    else if (invitation.url) location.assign(invitation.url);
    else this.toasts.show(`${invitation.room} is on another server.`);
  }

  // --- rooms -----------------------------------------------------------------------------------

  private showRoom(room: string): void {
    document.title = `${room} · Confab`;
    const media = new LocalMedia();
    let joined = false;
    const prejoin = new PreJoin({
      room,
      media,
      account: this.account?.jid,
      onJoin: (nick) => {
        joined = true;
        this.enterConference(room, media, nick);
      },
    });
    this.mount({
      el: prejoin.el,
      destroy: () => {
        prejoin.destroy();
        if (!joined) media.close();
      },
    });
    void prejoin.start();
  }

  private enterConference(room: string, media: LocalMedia, nick: string): void {
    const config = this.requireConfig();
    const call = new Call({
      config,
      service: websocketUrl(config, location),
      room,
      nick,
      media,
      webUrl: `${location.origin}/${encodeURIComponent(room)}`,
      connection: this.account?.xmpp,
    });
    const view = new CallView({
      call,
      media,
      room,
      domain: config.domain,
      onLeave: () => void this.leaveConference(true),
    });
    this.conference = { call, view, media, room };
    this.mount({ el: view.el, destroy: () => {} });
    void call.start();
  }

  /** Leaves the room's call; `ended` shows the "You left" screen. */
  private async leaveConference(ended: boolean): Promise<void> {
    const conference = this.conference;
    if (!conference) return;
    this.conference = null;
    this.layer.removeAttribute('data-over-conference');
    await conference.call.leave();
    conference.view.destroy();
    conference.media.close();
    if (ended)
      this.mount({ el: endedScreen(conference.room, () => this.route()), destroy: () => {} });
  }

  // --- 1:1 calls -------------------------------------------------------------------------------

  private async placeCall(jid: string, kinds: MediaKind[]): Promise<void> {
    const account = this.account;
    if (!account) throw new Error('Sign in to call people.');
    if (this.direct && this.direct.call.state !== 'ended')
      throw new Error('You are already in a call.');
    if (account.state !== 'online') throw new Error('You are offline. Reconnect first.');
    const call = await DirectCall.place(account, jid, kinds, account.icePolicy);
    this.show(call);
  }

  private ring(call: OneToOneCall): void {
    this.show(DirectCall.incoming(call));
  }

  private show(call: DirectCall): void {
    this.closeDirect();
    const account = this.account;
    const screen = new DirectCallScreen({
      call,
      iceServers: () => account?.iceServers() ?? Promise.resolve([]),
      callAgain: (jid, kinds) => {
        this.closeDirect();
        this.placeCall(jid, kinds).catch((error: unknown) => this.toasts.show(errorMessage(error)));
      },
      close: () => this.closeDirect(),
    });
    this.direct = { call, screen };
    // Taking a 1:1 call ends the room's call (one camera, one microphone).
    call.on('changed', () => {
      if (this.conference && (call.state === 'connecting' || call.state === 'active'))
        void this.leaveConference(true);
    });
    this.layer.toggleAttribute('data-over-conference', this.conference !== null);
    this.layer.replaceChildren(screen.el);
  }

  private closeDirect(): void {
    const direct = this.direct;
    if (!direct) return;
    this.direct = null;
    direct.screen.destroy();
    if (direct.call.state !== 'ended') void direct.call.hangUp().catch(() => {});
    direct.call.close();
    this.layer.replaceChildren();
  }

  private requireConfig(): ClientConfig {
    if (!this.config) throw new Error('not configured');
    return this.config;
  }

  // --- what the page exposes -------------------------------------------------------------------

  readonly api = {
    logs: recentLogs,
    phase: (): string => this.conference?.call.phase ?? 'none',
    /** The conference's Jingle session id (a new one means the session was replaced). */
    sid: (): string | null => this.conference?.call.sid ?? null,
    /** The 1:1 call on screen, if any. */
    direct: () => {
      const call = this.direct?.call;
      if (!call) return null;
      return {
        state: call.state,
        peer: call.peer,
        connection: call.connection,
        remoteMuted: { ...call.remoteMuted },
        end: call.end,
      };
    },
    stats: async (): Promise<{ inbound: StatsEntry[]; outbound: TrackStats[] } | null> => {
      const direct = this.direct?.call;
      const pc = direct?.peerConnection ?? this.conference?.call.peerConnection;
      if (!pc) return null;
      const owners = new Map<string, string>();
      for (const feed of this.conference?.call.roster.feeds.values() ?? []) {
        for (const t of [feed.audio, feed.video]) if (t) owners.set(t.content, feed.nick);
      }
      const sample = await this.sampler.sample(pc);
      return {
        inbound: [...sample.inbound.values()].map((s) => ({
          ...s,
          nick: direct ? direct.peer : (owners.get(s.content) ?? ''),
        })),
        outbound: [...sample.outbound.values()],
      };
    },
    /** The candidate types of the selected pair of the active peer connection. */
    candidateTypes: async (): Promise<{ local: string; remote: string }[]> => {
      const pc = this.direct?.call.peerConnection ?? this.conference?.call.peerConnection;
      return pc ? selectedPairs(pc) : [];
    },
  };

  private readonly sampler = new StatsSampler();
}

interface StatsEntry extends TrackStats {
  nick: string;
}

function rememberedAccount(): { username: string; password: string } | null {
  try {
    const value: unknown = JSON.parse(load('account') ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { username, password } = value as Record<string, unknown>;
    return typeof username === 'string' && typeof password === 'string'
      ? { username, password }
      : null;
  } catch {
    return null;
  }
}

async function selectedPairs(pc: RTCPeerConnection): Promise<{ local: string; remote: string }[]> {
  type Entry = Record<string, unknown> & { id: string; type: string };
  const report = new Map<string, Entry>();
  (await pc.getStats()).forEach((e: Entry) => report.set(e.id, e));
  const pairs: { local: string; remote: string }[] = [];
  for (const entry of report.values()) {
    if (entry.type !== 'transport' || typeof entry.selectedCandidatePairId !== 'string') continue;
    const pair = report.get(entry.selectedCandidatePairId);
    const local = report.get(String(pair?.localCandidateId));
    const remote = report.get(String(pair?.remoteCandidateId));
    pairs.push({ local: String(local?.candidateType), remote: String(remote?.candidateType) });
  }
  return pairs;
}

const app = new App(document.getElementById('app') as HTMLElement);
(globalThis as unknown as { confab: App['api'] }).confab = app.api;
void app.start();
