/**
 * One tile of the stage: a person's camera (or their avatar when it is off)
 * or a shared screen, with a name plate, a muted-microphone mark, the
 * speaking highlight, and the optional statistics overlay.
 */
import { h, hueOf, icon, initials, replaceChildren } from './dom';
import type { Rect } from './layout';

export interface TileState {
  id: string;
  nick: string;
  self: boolean;
  kind: 'camera' | 'screen';
  video: MediaStreamTrack | null;
  /** The sender says the camera is on (not muted in signalling). */
  videoOn: boolean;
  micMuted: boolean;
  speaking: boolean;
}

export class Tile {
  readonly el: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly avatar: HTMLElement;
  private readonly plate: HTMLElement;
  private readonly stats: HTMLElement;
  private track: MediaStreamTrack | null = null;
  private state: TileState | null = null;
  rect: Rect | undefined;
  private readonly onTrackMute = (): void => this.render();

  constructor(id: string) {
    this.video = h('video', { autoplay: true, playsinline: true });
    this.video.muted = true; // sound plays from the call's audio elements
    this.avatar = h('div', { class: 'avatar' });
    this.plate = h('figcaption', { class: 'nameplate' });
    this.stats = h('pre', { class: 'tile-stats', hidden: true, 'aria-label': 'Statistics' });
    this.el = h(
      'figure',
      { class: 'tile', 'data-id': id },
      this.video,
      this.avatar,
      this.plate,
      this.stats,
    );
  }

  update(state: TileState): void {
    const previous = this.state;
    this.state = state;
    if (state.video !== this.track) this.setTrack(state.video);
    if (previous?.nick !== state.nick || previous.self !== state.self) {
      this.avatar.style.setProperty('--hue', String(hueOf(state.nick)));
      replaceChildren(this.avatar, h('span', { 'aria-hidden': 'true' }, initials(state.nick)));
    }
    this.render();
  }

  private setTrack(track: MediaStreamTrack | null): void {
    this.track?.removeEventListener('mute', this.onTrackMute);
    this.track?.removeEventListener('unmute', this.onTrackMute);
    this.track = track;
    track?.addEventListener('mute', this.onTrackMute);
    track?.addEventListener('unmute', this.onTrackMute);
    this.video.srcObject = track ? new MediaStream([track]) : null;
    if (track) void this.video.play().catch(() => {});
  }

  private render(): void {
    const s = this.state;
    if (!s) return;
    const showVideo = s.videoOn && this.track !== null && (s.self || !this.track.muted);
    const el = this.el;
    el.dataset.kind = s.kind;
    el.dataset.nick = s.nick;
    el.dataset.video = showVideo ? 'on' : 'off';
    el.toggleAttribute('data-self', s.self);
    el.toggleAttribute('data-speaking', s.speaking);
    el.toggleAttribute('data-mic-muted', s.micMuted);
    const name =
      s.kind === 'screen'
        ? s.self
          ? 'Your screen'
          : `${s.nick || 'Someone'}’s screen`
        : s.self
          ? `${s.nick} (you)`
          : s.nick || 'Joining…';
    el.setAttribute('aria-label', name + (s.micMuted && s.kind === 'camera' ? ', muted' : ''));
    replaceChildren(
      this.plate,
      s.kind === 'screen' ? icon('screen') : null,
      s.kind === 'camera' && s.micMuted ? icon('micOff', 'icon muted') : null,
      h('span', {}, name),
    );
  }

  place(rect: Rect | undefined): void {
    this.rect = rect;
    if (!rect) {
      this.el.hidden = true;
      return;
    }
    this.el.hidden = false;
    const style = this.el.style;
    style.left = `${rect.x}px`;
    style.top = `${rect.y}px`;
    style.width = `${rect.w}px`;
    style.height = `${rect.h}px`;
  }

  showStats(text: string | null): void {
    this.stats.hidden = text === null;
    if (text !== null) this.stats.textContent = text;
  }

  destroy(): void {
    this.setTrack(null);
    this.el.remove();
  }
}
