/**
 * The call screen: top bar, the stage of tiles, the chat and people panels,
 * the toolbar, and the connection banner. It only renders what the Call
 * reports and forwards what the person does; layout decisions also decide
 * which simulcast layer to ask the focus for.
 */
import type { Call, CallPhase } from '../call/Call';
import type { Feed } from '../call/Roster';
import { StatsSampler, formatStats } from '../call/stats';
import type { LocalMedia } from '../media/LocalMedia';
import { ScreenShareError } from '../call/ScreenShare';
import { ChatPanel } from './ChatPanel';
import { InvitePanel } from './InvitePanel';
import { h, icon, replaceChildren } from './dom';
import { layerFor, layoutTiles } from './layout';
import { PeoplePanel, type PersonView } from './PeoplePanel';
import { Tile, type TileState } from './Tile';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';

const STATS_INTERVAL_MS = 1000;

export interface CallViewOptions {
  call: Call;
  media: LocalMedia;
  room: string;
  /** The server's domain, for invitations to addresses typed without one. */
  domain: string;
  onLeave: () => void;
}

type PanelName = 'chat' | 'people' | 'invite';

export class CallView {
  readonly el: HTMLElement;
  private readonly stage = h('main', { class: 'stage', 'aria-label': 'Participants' });
  private readonly banner = h('div', { class: 'banner', role: 'status', hidden: true });
  private readonly pill = h('span', { class: 'pill', role: 'status' });
  private readonly audio = h('div', { hidden: true });
  private readonly tiles = new Map<string, Tile>();
  private readonly audios = new Map<string, HTMLAudioElement>();
  private readonly chat: ChatPanel;
  private readonly people: PeoplePanel;
  private readonly invite: InvitePanel;
  private readonly toolbar: Toolbar;
  private readonly toasts = new Toasts();
  private readonly resize = new ResizeObserver(() => this.layout());
  private readonly sampler = new StatsSampler();
  private panel: PanelName | null = null;
  private unread = 0;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private mediaState: RTCPeerConnectionState = 'new';
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly o: CallViewOptions) {
    const { call } = o;
    this.chat = new ChatPanel(
      (text) => call.say(text),
      () => this.openPanel(null),
    );
    this.people = new PeoplePanel(() => this.openPanel(null));
    this.invite = new InvitePanel({
      url: call.webUrl,
      domain: o.domain,
      invite: (jid) => call.invite(jid),
      onClose: () => this.openPanel(null),
    });
    this.toolbar = new Toolbar({
      mic: () => void this.toggleDevice('microphone'),
      camera: () => void this.toggleDevice('camera'),
      screen: () => void this.toggleScreen(),
      chat: () => this.openPanel(this.panel === 'chat' ? null : 'chat'),
      people: () => this.openPanel(this.panel === 'people' ? null : 'people'),
      invite: () => this.openPanel(this.panel === 'invite' ? null : 'invite'),
      stats: () => this.toggleStats(),
      leave: () => o.onLeave(),
    });
    this.el = h(
      'div',
      { class: 'call' },
      h(
        'header',
        { class: 'topbar' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('chat')),
        h('span', { class: 'room-title' }, o.room),
        h('span', { class: 'divider hide-narrow' }),
        this.pill,
        h('span', { class: 'spacer' }),
      ),
      h(
        'div',
        { class: 'call-main' },
        h('div', { class: 'stage-wrap' }, this.stage, this.banner),
        this.chat.el,
        this.people.el,
        this.invite.el,
      ),
      this.toolbar.el,
      this.audio,
      this.toasts.el,
    );
    this.listen();
    this.resize.observe(this.stage);
    const keys = (e: KeyboardEvent): void => this.shortcut(e);
    document.addEventListener('keydown', keys);
    this.cleanups.push(() => document.removeEventListener('keydown', keys));
    this.renderPhase(call.phase, undefined);
    this.refresh();
  }

  /** The Call lives as long as this view; only the local media outlives it. */
  private listen(): void {
    const { call, media } = this.o;
    call.on('phase', (phase, detail) => this.renderPhase(phase, detail));
    call.on('media', (state) => {
      this.mediaState = state;
      this.renderPhase(call.phase, undefined);
    });
    call.on('occupants', () => this.refresh());
    call.roster.on('changed', () => this.refresh());
    call.on('speaker', () => this.refresh());
    call.on('screen', () => this.refresh());
    call.on('arrived', (o) => this.toasts.show(`${o.nick} joined`));
    call.on('departed', (o) => this.toasts.show(`${o.nick} left`));
    call.on('notice', (text) => this.toasts.show(text));
    call.on('message', (message) => {
      this.chat.add(message);
      if (this.panel !== 'chat' && !message.history && !message.self) {
        this.unread++;
        this.toasts.show(`${message.nick}: ${message.text.slice(0, 80)}`);
        this.refreshToolbar();
      }
    });
    const refresh = (): void => this.refresh();
    media.on('changed', refresh);
    media.on('track', refresh);
    this.cleanups.push(() => {
      media.off('changed', refresh);
      media.off('track', refresh);
    });
  }

  /** Rebuilds the tiles, the people list and the toolbar from the current state. */
  private refresh(): void {
    const { call, media } = this.o;
    const states: TileState[] = [];
    const feeds = [...call.roster.feeds.values()];
    for (const feed of feeds) states.push(feedTile(feed, call.speaker));
    const screen = call.screenTrack;
    if (screen)
      states.push({
        id: 'self-screen',
        nick: call.nick,
        self: true,
        kind: 'screen',
        video: screen,
        videoOn: true,
        micMuted: false,
        speaking: false,
      });
    states.push({
      id: 'self',
      nick: call.nick,
      self: true,
      kind: 'camera',
      video: media.video,
      videoOn: media.sendingVideo,
      micMuted: !media.sendingAudio,
      speaking: call.speaker === call.nick && media.sendingAudio,
    });
    // Screens first: the layout puts the first screen on the big spot.
    states.sort((a, b) => Number(b.kind === 'screen') - Number(a.kind === 'screen'));
    const keep = new Set(states.map((s) => s.id));
    for (const [id, tile] of this.tiles) {
      if (!keep.has(id)) {
        tile.destroy();
        this.tiles.delete(id);
      }
    }
    for (const state of states) {
      let tile = this.tiles.get(state.id);
      if (!tile) {
        tile = new Tile(state.id);
        this.tiles.set(state.id, tile);
        this.stage.append(tile.el);
      }
      tile.update(state);
    }
    this.order = states.map((s) => ({ id: s.id, screen: s.kind === 'screen' }));
    this.refreshAudio(feeds);
    this.people.update(this.peopleViews());
    this.refreshToolbar();
    this.layout();
  }

  private order: { id: string; screen: boolean }[] = [];

  private layout(): void {
    const rect = this.stage.getBoundingClientRect();
    const rects = layoutTiles(rect.width, rect.height, this.order);
    for (const [id, tile] of this.tiles) tile.place(rects.get(id));
    const { call } = this.o;
    const constraints = [...call.roster.feeds.values()]
      .filter((f) => f.video)
      .map((f) => ({
        content: f.video?.content ?? '',
        maxSpatialLayer: f.screen
          ? 2
          : layerFor(this.tiles.get(f.id)?.rect, f.nick === call.speaker),
      }));
    call.setReceiveLayers(constraints);
  }

  private refreshAudio(feeds: Feed[]): void {
    const wanted = new Map<string, MediaStreamTrack>();
    for (const f of feeds) if (f.audio) wanted.set(f.audio.content, f.audio.track);
    for (const [content, el] of this.audios) {
      if (wanted.get(content) !== (el.srcObject as MediaStream | null)?.getAudioTracks()[0]) {
        el.srcObject = null;
        el.remove();
        this.audios.delete(content);
      }
    }
    for (const [content, track] of wanted) {
      if (this.audios.has(content)) continue;
      const el = h('audio', { autoplay: true, 'data-content': content });
      el.srcObject = new MediaStream([track]);
      void el.play().catch(() => {});
      this.audios.set(content, el);
      this.audio.append(el);
    }
  }

  private peopleViews(): PersonView[] {
    const { call, media } = this.o;
    return call.people.map((o) => {
      if (o.self)
        return {
          nick: o.nick,
          self: true,
          inCall: true,
          micMuted: !media.sendingAudio,
          cameraOff: !media.sendingVideo,
          speaking: call.speaker === o.nick,
        };
      const feed = call.roster.cameraFeedOf(o.nick);
      return {
        nick: o.nick,
        self: false,
        inCall: feed !== undefined,
        micMuted: !feed?.audio || feed.audio.muted,
        cameraOff: !feed?.video || feed.video.muted,
        speaking: call.speaker === o.nick,
      };
    });
  }

  private refreshToolbar(): void {
    const { call, media } = this.o;
    this.toolbar.update({
      micOn: media.sendingAudio,
      cameraOn: media.sendingVideo,
      sharing: call.screenTrack !== null,
      chatOpen: this.panel === 'chat',
      peopleOpen: this.panel === 'people',
      inviteOpen: this.panel === 'invite',
      statsOn: this.statsTimer !== undefined,
      unread: this.unread,
      people: call.people.length,
    });
  }

  private renderPhase(phase: CallPhase, detail: string | undefined): void {
    const media = this.mediaState;
    const [state, text]: [string, string] =
      phase === 'joined'
        ? media === 'connected'
          ? ['connected', 'Connected']
          : media === 'failed' || media === 'disconnected'
            ? ['reconnecting', 'Media interrupted']
            : ['connecting', 'Connecting media…']
        : phase === 'failed'
          ? ['failed', 'Disconnected']
          : phase === 'reconnecting'
            ? ['reconnecting', 'Reconnecting…']
            : phase === 'ended'
              ? ['failed', 'Left']
              : ['connecting', 'Connecting…'];
    this.pill.dataset.state = state;
    this.pill.textContent = text;
    this.el.dataset.phase = phase;
    if (phase === 'joined' || phase === 'ended') {
      this.banner.hidden = true;
      return;
    }
    this.banner.hidden = false;
    this.banner.classList.toggle('failed', phase === 'failed');
    if (phase === 'failed') {
      replaceChildren(
        this.banner,
        icon('warning'),
        h('span', {}, detail ?? 'The call was disconnected.'),
        h(
          'button',
          {
            class: 'btn btn-small btn-primary',
            type: 'button',
            onclick: () => void this.o.call.retry(),
          },
          icon('retry'),
          'Retry',
        ),
      );
    } else {
      const words =
        phase === 'reconnecting' ? (detail ?? 'Reconnecting…') : `Joining ${this.o.room}…`;
      replaceChildren(
        this.banner,
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        h('span', {}, words),
      );
    }
  }

  private openPanel(panel: PanelName | null): void {
    this.panel = panel;
    this.chat.el.hidden = panel !== 'chat';
    this.people.el.hidden = panel !== 'people';
    this.invite.el.hidden = panel !== 'invite';
    if (panel === 'chat') {
      this.unread = 0;
      this.chat.focus();
    }
    if (panel === 'invite') this.invite.focus();
    this.refreshToolbar();
    this.layout();
  }

  /** Turns a device on or off; if it cannot be turned on, says why. */
  private async toggleDevice(device: 'microphone' | 'camera'): Promise<void> {
    const { call, media } = this.o;
    const wanted = device === 'camera' ? !media.cameraOn : !media.micOn;
    if (device === 'camera') await call.setCameraOn(wanted);
    else await call.setMicOn(wanted);
    const on = device === 'camera' ? media.cameraOn : media.micOn;
    const problem = media.problems[device];
    if (wanted && !on && problem) this.toasts.show(problem.message);
  }

  private async toggleScreen(): Promise<void> {
    const { call } = this.o;
    try {
      if (call.screenTrack) await call.stopScreenShare();
      else await call.startScreenShare();
    } catch (error) {
      this.toasts.show(
        error instanceof ScreenShareError ? error.message : 'Screen sharing failed.',
      );
    }
  }

  private toggleStats(): void {
    if (this.statsTimer !== undefined) {
      clearInterval(this.statsTimer);
      this.statsTimer = undefined;
      for (const tile of this.tiles.values()) tile.showStats(null);
    } else {
      this.statsTimer = setInterval(() => void this.showStats(), STATS_INTERVAL_MS);
      void this.showStats();
    }
    this.refreshToolbar();
  }

  private async showStats(): Promise<void> {
    const pc = this.o.call.peerConnection;
    if (!pc || this.statsTimer === undefined) return;
    const sample = await this.sampler.sample(pc);
    if (this.statsTimer === undefined) return;
    for (const feed of this.o.call.roster.feeds.values()) {
      const video = feed.video ? sample.inbound.get(feed.video.content) : undefined;
      const audio = feed.audio ? sample.inbound.get(feed.audio.content) : undefined;
      this.tiles.get(feed.id)?.showStats(formatStats(video, audio));
    }
    this.tiles
      .get('self')
      ?.showStats(formatStats(sample.outbound.get('video'), sample.outbound.get('audio')));
    const screen = [...sample.outbound.values()].find((s) => s.content.startsWith('screen'));
    this.tiles.get('self-screen')?.showStats(formatStats(screen, undefined));
  }

  private shortcut(e: KeyboardEvent): void {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    if (e.key === 'd') {
      e.preventDefault();
      void this.toggleDevice('microphone');
    } else if (e.key === 'e') {
      e.preventDefault();
      void this.toggleDevice('camera');
    }
  }

  destroy(): void {
    this.resize.disconnect();
    clearInterval(this.statsTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    for (const tile of this.tiles.values()) tile.destroy();
    for (const el of this.audios.values()) el.srcObject = null;
    this.el.remove();
  }
}

function feedTile(feed: Feed, speaker: string): TileState {
  return {
    id: feed.id,
    nick: feed.nick,
    self: false,
    kind: feed.screen ? 'screen' : 'camera',
    video: feed.video?.track ?? null,
    videoOn: feed.video !== null && !feed.video.muted,
    micMuted: !feed.audio || feed.audio.muted,
    speaking: !feed.screen && feed.nick !== '' && feed.nick === speaker,
  };
}
