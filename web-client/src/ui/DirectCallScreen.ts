/**
 * The screen of a 1:1 call, over whatever page is open: the incoming
 * ringing screen (accept with audio or video, decline), the outgoing
 * "Calling… / Ringing…" screen with cancel, the call itself (the other
 * person's video or avatar, our own picture in a corner, microphone, camera,
 * statistics, hang up, connection state and duration), and how it ended.
 */
import type { MediaKind } from '../../../jingle';
import { StatsSampler, formatStats } from '../call/stats';
import type { DirectCall } from '../direct/DirectCall';
import { formatDuration } from '../direct/callEnd';
import { h, hueOf, icon, initials, replaceChildren, type IconName } from './dom';
import { Ringtone } from './Ringtone';
import { Toasts } from './Toasts';

export interface DirectCallScreenOptions {
  call: DirectCall;
  /** ICE servers for answering (fetched when the person accepts). */
  iceServers: () => Promise<RTCIceServer[]>;
  callAgain: (jid: string, kinds: MediaKind[]) => void;
  close: () => void;
}

export class DirectCallScreen {
  readonly el: HTMLElement;
  private readonly remoteVideo = h('video', { autoplay: true, playsinline: true });
  private readonly remoteAudio = h('audio', { autoplay: true });
  private readonly selfVideo = h('video', { autoplay: true, playsinline: true });
  private readonly self = h('figure', { class: 'direct-self', 'aria-label': 'You' });
  private readonly card = h('div', { class: 'direct-card' });
  private readonly topline = h('div', { class: 'direct-topline' });
  private readonly stats = h('pre', { class: 'tile-stats direct-stats', hidden: true });
  private readonly actions = h('footer', {
    class: 'direct-actions',
    'aria-label': 'Call controls',
  });
  private readonly toasts = new Toasts();
  private readonly ringtone = new Ringtone();
  private readonly sampler = new StatsSampler();
  private readonly onChanged = (): void => this.render();
  private clock: ReturnType<typeof setInterval> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private shownState = '';
  private remoteVideoTrack: MediaStreamTrack | null = null;
  private busy = false;

  constructor(private readonly o: DirectCallScreenOptions) {
    this.remoteVideo.muted = true; // sound plays from the audio element
    this.selfVideo.muted = true;
    this.self.append(this.selfVideo);
    this.el = h(
      'section',
      {
        class: 'direct',
        role: 'dialog',
        'aria-modal': 'true',
        'aria-labelledby': 'direct-title',
      },
      h(
        'div',
        { class: 'direct-stage' },
        this.remoteVideo,
        this.card,
        this.topline,
        this.self,
        this.stats,
      ),
      this.actions,
      this.remoteAudio,
      this.toasts.el,
    );
    o.call.on('changed', this.onChanged);
    this.clock = setInterval(() => this.renderStatus(), 1000);
    this.render();
  }

  private render(): void {
    const { call } = this.o;
    const state = call.state;
    const phase =
      state === 'ended'
        ? 'ended'
        : call.call.direction === 'incoming' && state === 'ringing'
          ? 'incoming'
          : state === 'proposing' || state === 'ringing'
            ? 'outgoing'
            : state;
    this.el.dataset.state = phase;
    this.el.dataset.media = call.video ? 'video' : 'audio';
    if (phase === 'incoming') this.ringtone.start();
    else this.ringtone.stop();

    // The other person: video when it flows, else their avatar and name.
    const remote = call.remoteVideo;
    if (remote !== this.remoteVideoTrack) {
      this.remoteVideoTrack?.removeEventListener('mute', this.onChanged);
      this.remoteVideoTrack?.removeEventListener('unmute', this.onChanged);
      this.remoteVideoTrack = remote;
      remote?.addEventListener('mute', this.onChanged);
      remote?.addEventListener('unmute', this.onChanged);
      this.remoteVideo.srcObject = remote ? new MediaStream([remote]) : null;
      if (remote) void this.remoteVideo.play().catch(() => {});
    }
    const showVideo =
      phase !== 'ended' && remote !== null && !remote.muted && !call.remoteMuted.video;
    this.el.toggleAttribute('data-remote-video', showVideo);
    const audio = call.remoteAudio;
    if ((this.remoteAudio.srcObject as MediaStream | null)?.getAudioTracks()[0] !== audio) {
      this.remoteAudio.srcObject = audio ? new MediaStream([audio]) : null;
      if (audio) void this.remoteAudio.play().catch(() => {});
    }

    // Our own picture.
    const local = call.local;
    const own = phase !== 'ended' && local.sendingVideo ? local.video : null;
    if ((this.selfVideo.srcObject as MediaStream | null)?.getVideoTracks()[0] !== own)
      this.selfVideo.srcObject = own ? new MediaStream([own]) : null;
    this.self.hidden = own === null;

    if (this.shownState !== phase) {
      this.shownState = phase;
      this.renderCard(phase);
      this.renderActions(phase);
    } else this.refreshToggles();
    this.renderStatus();
  }

  private renderCard(phase: string): void {
    const { call } = this.o;
    const end = call.end;
    replaceChildren(
      this.card,
      h(
        'div',
        {
          class: `direct-avatar${phase === 'incoming' || phase === 'outgoing' ? ' pulsing' : ''}`,
          style: `--hue:${hueOf(call.peer)}`,
          'aria-hidden': 'true',
        },
        initials(call.peerName),
      ),
      h('h1', { id: 'direct-title' }, phase === 'ended' && end ? end.title : call.peerName),
      h('p', { class: 'direct-jid' }, call.peer),
      h('p', { class: 'direct-status', role: 'status', 'aria-live': 'polite' }),
      phase === 'ended' && end
        ? h('p', { class: 'direct-detail', 'data-end': end.kind }, end.detail)
        : null,
    );
  }

  private renderStatus(): void {
    const { call } = this.o;
    const phase = this.shownState;
    const status = this.card.querySelector('.direct-status');
    const text =
      phase === 'incoming'
        ? `Incoming ${call.video ? 'video' : 'audio'} call`
        : phase === 'outgoing'
          ? call.state === 'ringing'
            ? 'Ringing…'
            : 'Calling…'
          : phase === 'connecting'
            ? 'Connecting…'
            : phase === 'active'
              ? call.connection === 'disconnected'
                ? 'Connection interrupted. Reconnecting…'
                : formatDuration(Date.now() - (call.connectedAt || Date.now()))
              : '';
    if (status && status.textContent !== text) status.textContent = text;
    const remoteMuted = phase === 'active' && call.remoteMuted.audio;
    replaceChildren(
      this.topline,
      phase === 'active' || phase === 'connecting'
        ? h(
            'span',
            { class: 'pill', 'data-state': pillState(call.connection, phase) },
            `${call.peerName} · ${text}`,
          )
        : null,
      remoteMuted
        ? h(
            'span',
            { class: 'pill direct-muted', 'data-remote-muted': '' },
            icon('micOff'),
            `${call.peerName}’s microphone is off`,
          )
        : null,
    );
  }

  private renderActions(phase: string): void {
    const { call } = this.o;
    const buttons: HTMLElement[] = [];
    if (phase === 'incoming') {
      buttons.push(
        action('decline', 'leave', 'Decline', 'Decline the call', 'deny', () => this.decline()),
      );
      buttons.push(
        action(
          'accept-audio',
          'phone',
          call.video ? 'Audio only' : 'Accept',
          call.video ? 'Accept with audio only' : 'Accept the call',
          'accept',
          () => void this.accept(false),
        ),
      );
      if (call.video)
        buttons.push(
          action(
            'accept-video',
            'camera',
            'Video',
            'Accept with video',
            'accept',
            () => void this.accept(true),
          ),
        );
    } else if (phase === 'ended') {
      const again = h(
        'button',
        { class: 'btn btn-primary', type: 'button', 'data-action': 'call-again' },
        icon('phone'),
        'Call again',
      );
      again.addEventListener('click', () =>
        this.o.callAgain(call.peer, call.video ? ['audio', 'video'] : ['audio']),
      );
      buttons.push(
        again,
        h(
          'button',
          {
            class: 'btn btn-ghost',
            type: 'button',
            'data-action': 'close',
            onclick: () => this.o.close(),
          },
          'Close',
        ),
      );
    } else {
      buttons.push(this.toggle('mic'), this.toggle('camera'));
      if (phase !== 'outgoing') buttons.push(this.toggle('stats'));
      buttons.push(
        phase === 'outgoing'
          ? action('cancel', 'leave', 'Cancel', 'Cancel the call', 'deny', () => this.hangUp())
          : h(
              'button',
              {
                class: 'round leave',
                type: 'button',
                'data-action': 'hangup',
                'aria-label': 'Hang up',
                title: 'Hang up',
                onclick: () => this.hangUp(),
              },
              icon('leave'),
            ),
      );
    }
    replaceChildren(this.actions, ...buttons);
    this.refreshToggles();
    // Keyboard users land on the main action.
    const main =
      this.actions.querySelector<HTMLElement>('[data-action="accept-video"]') ??
      this.actions.querySelector<HTMLElement>('[data-action^="accept"]') ??
      this.actions.querySelector<HTMLElement>('[data-action="call-again"]');
    // After the screen is on the page (it is attached right after it is built).
    queueMicrotask(() => main?.focus());
  }

  private toggle(name: 'mic' | 'camera' | 'stats'): HTMLElement {
    const button = h('button', {
      class: 'round',
      type: 'button',
      'data-action': name,
      onclick: () => {
        if (name === 'stats') this.toggleStats();
        else void this.toggleDevice(name);
      },
    });
    return button;
  }

  private refreshToggles(): void {
    const { local } = this.o.call;
    const set = (name: string, on: boolean, glyph: IconName, label: string): void => {
      const button = this.actions.querySelector<HTMLButtonElement>(`[data-action="${name}"]`);
      if (!button) return;
      button.setAttribute('aria-label', label);
      button.title = label;
      replaceChildren(button, icon(glyph));
      if (name === 'stats') {
        button.classList.toggle('active', on);
        button.setAttribute('aria-pressed', String(on));
      } else button.classList.toggle('off', !on);
    };
    const mic = local.sendingAudio;
    const cam = local.sendingVideo;
    set('mic', mic, mic ? 'mic' : 'micOff', mic ? 'Turn off microphone' : 'Turn on microphone');
    set('camera', cam, cam ? 'camera' : 'cameraOff', cam ? 'Turn off camera' : 'Turn on camera');
    const statsOn = this.statsTimer !== undefined;
    set('stats', statsOn, 'stats', statsOn ? 'Hide statistics' : 'Show statistics');
  }

  private async accept(video: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.o.call.accept(video, this.o.iceServers());
    } catch {
      this.toasts.show('The call could not be answered.');
    } finally {
      this.busy = false;
    }
  }

  private decline(): void {
    void this.o.call.decline().catch(() => {});
  }

  private hangUp(): void {
    void this.o.call.hangUp().catch(() => {});
  }

  private async toggleDevice(device: 'mic' | 'camera'): Promise<void> {
    const { local } = this.o.call;
    if (device === 'mic') await this.o.call.setMicOn(!local.micOn);
    else await this.o.call.setCameraOn(!local.cameraOn);
    const problem = local.problems[device === 'mic' ? 'microphone' : 'camera'];
    const on = device === 'mic' ? local.micOn : local.cameraOn;
    if (!on && problem) this.toasts.show(problem.message);
  }

  private toggleStats(): void {
    if (this.statsTimer !== undefined) {
      clearInterval(this.statsTimer);
      this.statsTimer = undefined;
      this.stats.hidden = true;
    } else {
      this.statsTimer = setInterval(() => void this.showStats(), 1000);
      void this.showStats();
    }
    this.refreshToggles();
  }

  private async showStats(): Promise<void> {
    const pc = this.o.call.peerConnection;
    if (!pc || this.statsTimer === undefined) return;
    const sample = await this.sampler.sample(pc);
    if (this.statsTimer === undefined) return;
    const inbound = [...sample.inbound.values()];
    const video = inbound.filter((s) => s.kind === 'video').sort((a, b) => b.bytes - a.bytes)[0];
    const audio = inbound.find((s) => s.kind === 'audio');
    this.stats.hidden = false;
    this.stats.textContent = formatStats(video, audio);
  }

  destroy(): void {
    this.o.call.off('changed', this.onChanged);
    this.ringtone.stop();
    clearInterval(this.clock);
    clearInterval(this.statsTimer);
    this.remoteVideoTrack?.removeEventListener('mute', this.onChanged);
    this.remoteVideoTrack?.removeEventListener('unmute', this.onChanged);
    this.remoteVideo.srcObject = null;
    this.remoteAudio.srcObject = null;
    this.selfVideo.srcObject = null;
    this.el.remove();
  }
}

/** A big round call button with its word below. */
function action(
  name: string,
  glyph: IconName,
  word: string,
  label: string,
  tone: 'accept' | 'deny',
  run: () => void,
): HTMLElement {
  return h(
    'div',
    { class: 'direct-action' },
    h(
      'button',
      {
        class: `round call-${tone}`,
        type: 'button',
        'data-action': name,
        'aria-label': label,
        title: label,
        onclick: run,
      },
      icon(glyph),
    ),
    h('span', { 'aria-hidden': 'true' }, word),
  );
}

function pillState(connection: RTCPeerConnectionState, phase: string): string {
  if (phase === 'connecting') return 'connecting';
  if (connection === 'connected') return 'connected';
  if (connection === 'failed') return 'failed';
  return 'reconnecting';
}
