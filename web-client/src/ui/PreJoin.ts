/**
 * The pre-join screen: a camera preview with a microphone level meter, the
 * person's name (remembered), camera and microphone pickers, and the join
 * button. Problems with devices are explained in words, and joining stays
 * possible with audio only or just to listen.
 */
import type { LocalMedia } from '../media/LocalMedia';
import { listDevices } from '../media/devices';
import { load, save } from '../storage';
import { AudioMeter } from './AudioMeter';
import { fullPage } from './brand';
import { copyLink, h, hueOf, icon, initials, replaceChildren } from './dom';

const MAX_NAME = 48;

export interface PreJoinOptions {
  room: string;
  media: LocalMedia;
  /** The signed-in account's JID; guests have none. */
  account?: string;
  onJoin: (nick: string) => void;
}

export class PreJoin {
  readonly el: HTMLElement;
  private readonly video = h('video', { autoplay: true, playsinline: true });
  private readonly off = h('div', { class: 'preview-off' });
  private readonly nameTag = h('div', { class: 'preview-name' });
  private readonly micButton: HTMLButtonElement;
  private readonly camButton: HTMLButtonElement;
  private readonly nameInput: HTMLInputElement;
  private readonly nameError = h('p', {
    class: 'notice notice-error',
    id: 'name-error',
    hidden: true,
  });
  private readonly cameraSelect = h('select', { class: 'select', id: 'camera-select' });
  private readonly micSelect = h('select', { class: 'select', id: 'mic-select' });
  private readonly notices = h('div', { role: 'alert', 'aria-live': 'assertive' });
  private readonly joinButton: HTMLButtonElement;
  private readonly meter = new AudioMeter();
  private readonly onChanged = (): void => this.render();
  private joined = false;

  constructor(private readonly o: PreJoinOptions) {
    this.video.muted = true;
    this.micButton = h('button', {
      class: 'round',
      type: 'button',
      onclick: () => this.toggleMic(),
    });
    this.camButton = h('button', {
      class: 'round',
      type: 'button',
      onclick: () => this.toggleCamera(),
    });
    this.nameInput = h('input', {
      class: 'input',
      id: 'display-name',
      type: 'text',
      autocomplete: 'name',
      maxlength: MAX_NAME,
      placeholder: 'e.g. Alex Martin',
      value: load('displayName') ?? '',
      'aria-describedby': 'name-error',
      oninput: () => this.render(),
      onkeydown: (e: Event) => {
        if ((e as KeyboardEvent).key === 'Enter') this.join();
      },
    });
    this.joinButton = h('button', {
      class: 'btn btn-primary',
      type: 'button',
      onclick: () => this.join(),
    });
    this.cameraSelect.addEventListener('change', () => {
      void o.media.selectCamera(this.cameraSelect.value);
    });
    this.micSelect.addEventListener('change', () => {
      void o.media.selectMicrophone(this.micSelect.value);
    });

    const preview = h(
      'div',
      { class: 'preview' },
      this.video,
      this.off,
      this.nameTag,
      this.meter.el,
      h('div', { class: 'preview-controls' }, this.micButton, this.camButton),
    );
    const link = `${location.origin}/${o.room}`;
    const copy = h(
      'button',
      {
        class: 'btn btn-ghost btn-small',
        type: 'button',
        onclick: () => void copyLink(link, copy),
      },
      icon('link'),
      'Copy link',
    );
    const panel = h(
      'section',
      { class: 'join-panel', 'aria-labelledby': 'prejoin-title' },
      h('h1', { id: 'prejoin-title' }, 'Ready to join?'),
      h('p', { class: 'room-line' }, 'Room', h('strong', {}, o.room), copy),
      h(
        'label',
        { class: 'field', for: 'display-name' },
        h('span', {}, 'Your name'),
        this.nameInput,
      ),
      this.nameError,
      h(
        'div',
        { class: 'devices' },
        h(
          'label',
          { class: 'field', for: 'camera-select' },
          h('span', {}, 'Camera'),
          this.cameraSelect,
        ),
        h(
          'label',
          { class: 'field', for: 'mic-select' },
          h('span', {}, 'Microphone'),
          this.micSelect,
        ),
      ),
      this.notices,
      h('div', { class: 'join-actions' }, this.joinButton),
      h(
        'p',
        { class: 'hint' },
        o.account
          ? `You join as ${o.account}. Anyone with the link can join this room.`
          : 'You join as a guest. Anyone with the link can join this room.',
      ),
    );
    this.el = fullPage(h('div', { class: 'prejoin' }, preview, panel));
    o.media.on('changed', this.onChanged);
    o.media.on('track', this.onChanged);
    this.render();
    void this.fillDevices();
  }

  /** Opens the devices; call once the screen is on the page. */
  async start(): Promise<void> {
    await this.o.media.start();
    await this.fillDevices();
    if (!this.nameInput.value) this.nameInput.focus();
    else this.joinButton.focus();
  }

  private async fillDevices(): Promise<void> {
    const { cameras, microphones } = await listDevices();
    fillSelect(this.cameraSelect, cameras, this.o.media.cameraId, 'No camera');
    fillSelect(this.micSelect, microphones, this.o.media.micId, 'No microphone');
  }

  private toggleMic(): void {
    void this.o.media.setMicOn(!this.o.media.micOn).then(() => this.fillDevices());
  }

  private toggleCamera(): void {
    void this.o.media.setCameraOn(!this.o.media.cameraOn).then(() => this.fillDevices());
  }

  private render(): void {
    const media = this.o.media;
    const name = this.nameInput.value.trim();
    const video = media.sendingVideo ? media.video : null;
    if (this.video.srcObject instanceof MediaStream) {
      if (this.video.srcObject.getVideoTracks()[0] !== video)
        this.video.srcObject = video ? new MediaStream([video]) : null;
    } else if (video) this.video.srcObject = new MediaStream([video]);
    this.video.hidden = !video;
    this.off.hidden = video !== null;
    replaceChildren(
      this.off,
      h(
        'div',
        { class: 'avatar', style: `--hue:${hueOf(name || '?')}` },
        h('span', { 'aria-hidden': 'true' }, name ? initials(name) : icon('cameraOff')),
      ),
    );
    const camLabel = media.problems.camera
      ? 'Camera unavailable'
      : media.cameraOn
        ? 'Camera is on'
        : 'Camera is off';
    this.nameTag.textContent = name || 'You';
    this.meter.follow(media.sendingAudio ? media.audio : null);
    setToggle(
      this.micButton,
      media.micOn,
      media.micOn ? 'Turn off microphone' : 'Turn on microphone',
      media.micOn ? 'mic' : 'micOff',
    );
    setToggle(
      this.camButton,
      media.cameraOn,
      media.cameraOn ? 'Turn off camera' : 'Turn on camera',
      media.cameraOn ? 'camera' : 'cameraOff',
    );
    this.camButton.title = camLabel;
    replaceChildren(
      this.notices,
      ...[media.problems.camera, media.problems.microphone]
        .filter((p) => p !== null)
        .map((p) =>
          h(
            'p',
            { class: 'notice', 'data-problem': p.device },
            icon('warning'),
            h('span', {}, p.message),
          ),
        ),
    );
    const listenOnly = !media.audio;
    replaceChildren(
      this.joinButton,
      listenOnly && !media.video
        ? 'Join and listen'
        : media.video || media.cameraOn
          ? 'Join now'
          : 'Join with audio only',
    );
  }

  private join(): void {
    if (this.joined) return;
    const nick = this.nameInput.value.trim().replace(/\s+/g, ' ');
    if (!nick) {
      this.nameError.hidden = false;
      replaceChildren(
        this.nameError,
        icon('warning'),
        h('span', {}, 'Enter your name so others know who you are.'),
      );
      this.nameInput.setAttribute('aria-invalid', 'true');
      this.nameInput.focus();
      return;
    }
    this.joined = true;
    save('displayName', nick);
    this.o.onJoin(nick.slice(0, MAX_NAME));
  }

  destroy(): void {
    this.o.media.off('changed', this.onChanged);
    this.o.media.off('track', this.onChanged);
    this.meter.destroy();
    this.video.srcObject = null;
    this.el.remove();
  }
}

function setToggle(
  button: HTMLButtonElement,
  on: boolean,
  label: string,
  name: Parameters<typeof icon>[0],
): void {
  button.classList.toggle('off', !on);
  button.setAttribute('aria-label', label);
  button.title = label;
  replaceChildren(button, icon(name));
}

function fillSelect(
  select: HTMLSelectElement,
  devices: MediaDeviceInfo[],
  current: string | null,
  none: string,
): void {
  replaceChildren(
    select,
    ...(devices.length
      ? devices.map((d, i) =>
          h(
            'option',
            { value: d.deviceId, selected: d.deviceId === current },
            d.label || `Device ${i + 1}`,
          ),
        )
      : [h('option', { value: '' }, none)]),
  );
  select.disabled = devices.length === 0;
}
