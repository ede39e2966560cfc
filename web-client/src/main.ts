/**
 * The page: `/` offers to start a room, `/<room>` shows the pre-join screen
 * and then the call. `window.confab` exposes the recent log and the media
 * statistics, for bug reports and the end-to-end tests.
 */
import { Call } from './call/Call';
import { StatsSampler, type TrackStats } from './call/stats';
import { loadClientConfig, websocketUrl, type ClientConfig } from './config';
import { installLogging, recentLogs } from './log';
import { LocalMedia } from './media/LocalMedia';
import { roomFromPath } from './room';
import { CallView } from './ui/CallView';
import { PreJoin } from './ui/PreJoin';
import { endedScreen, errorScreen, landingScreen } from './ui/screens';

installLogging(new URLSearchParams(location.search).has('debug') ? 'debug' : 'info');

const root = document.getElementById('app') as HTMLElement;

function mount(el: HTMLElement): void {
  root.replaceChildren(el);
}

interface StatsEntry extends TrackStats {
  nick: string;
}

interface PageApi {
  logs(): string[];
  phase(): string;
  stats(): Promise<{ inbound: StatsEntry[]; outbound: TrackStats[] } | null>;
}

function expose(call: Call | null): void {
  const sampler = new StatsSampler();
  const api: PageApi = {
    logs: recentLogs,
    phase: () => call?.phase ?? 'none',
    async stats() {
      const pc = call?.peerConnection;
      if (!call || !pc) return null;
      const owners = new Map<string, string>();
      for (const feed of call.roster.feeds.values()) {
        for (const t of [feed.audio, feed.video]) if (t) owners.set(t.content, feed.nick);
      }
      const sample = await sampler.sample(pc);
      return {
        inbound: [...sample.inbound.values()].map((s) => ({
          ...s,
          nick: owners.get(s.content) ?? '',
        })),
        outbound: [...sample.outbound.values()],
      };
    },
  };
  (globalThis as unknown as { confab: PageApi }).confab = api;
}

async function start(room: string): Promise<void> {
  let config: ClientConfig;
  try {
    config = await loadClientConfig();
  } catch (error) {
    mount(
      errorScreen(
        'Confab is not reachable',
        error instanceof Error ? error.message : String(error),
        () => void start(room),
      ),
    );
    return;
  }
  document.title = `${room} · Confab`;
  const media = new LocalMedia();
  const prejoin = new PreJoin({
    room,
    media,
    onJoin: (nick) => {
      prejoin.destroy();
      enterCall(config, room, media, nick);
    },
  });
  mount(prejoin.el);
  await prejoin.start();
}

function enterCall(config: ClientConfig, room: string, media: LocalMedia, nick: string): void {
  const call = new Call({ config, service: websocketUrl(config, location), room, nick, media });
  const leave = async (): Promise<void> => {
    await call.leave();
    view.destroy();
    media.close();
    mount(endedScreen(room, () => location.reload()));
  };
  const view = new CallView({ call, media, room, onLeave: () => void leave() });
  mount(view.el);
  expose(call);
  window.addEventListener('pagehide', () => void call.leave());
  void call.start();
}

expose(null);
const room = roomFromPath(location.pathname);
if (room) void start(room);
else
  mount(
    landingScreen(
      location.pathname === '/'
        ? undefined
        : 'That address is not a room name. Choose a name below.',
    ),
  );
