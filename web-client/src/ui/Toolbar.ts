/** The call's toolbar: microphone, camera, screen, chat, people, invite, statistics, leave. */
import { h, icon, replaceChildren, type IconName } from './dom';

export interface ToolbarActions {
  mic(): void;
  camera(): void;
  screen(): void;
  chat(): void;
  people(): void;
  invite(): void;
  stats(): void;
  leave(): void;
}

export interface ToolbarState {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  chatOpen: boolean;
  peopleOpen: boolean;
  inviteOpen: boolean;
  statsOn: boolean;
  unread: number;
  people: number;
}

export class Toolbar {
  readonly el: HTMLElement;
  private readonly buttons: Record<keyof ToolbarActions, HTMLButtonElement>;

  constructor(actions: ToolbarActions) {
    const button = (name: keyof ToolbarActions, extra = ''): HTMLButtonElement =>
      h('button', {
        class: `round ${extra}`,
        type: 'button',
        'data-action': name,
        onclick: () => actions[name](),
      });
    this.buttons = {
      mic: button('mic'),
      camera: button('camera'),
      screen: button('screen'),
      chat: button('chat'),
      people: button('people'),
      invite: button('invite'),
      stats: button('stats'),
      leave: button('leave', 'leave'),
    };
    const b = this.buttons;
    set(b.leave, 'leave', 'Leave call');
    this.el = h(
      'footer',
      { class: 'toolbar', 'aria-label': 'Call controls' },
      h('div', { class: 'group' }, b.mic, b.camera, b.screen),
      h('span', { class: 'sep', 'aria-hidden': 'true' }),
      h('div', { class: 'group' }, b.chat, b.people, b.invite, b.stats),
      h('span', { class: 'sep', 'aria-hidden': 'true' }),
      b.leave,
    );
  }

  update(s: ToolbarState): void {
    const b = this.buttons;
    set(
      b.mic,
      s.micOn ? 'mic' : 'micOff',
      s.micOn ? 'Turn off microphone (Ctrl+D)' : 'Turn on microphone (Ctrl+D)',
    );
    b.mic.classList.toggle('off', !s.micOn);
    set(
      b.camera,
      s.cameraOn ? 'camera' : 'cameraOff',
      s.cameraOn ? 'Turn off camera (Ctrl+E)' : 'Turn on camera (Ctrl+E)',
    );
    b.camera.classList.toggle('off', !s.cameraOn);
    set(
      b.screen,
      s.sharing ? 'screenStop' : 'screen',
      s.sharing ? 'Stop presenting' : 'Present your screen',
    );
    b.screen.classList.toggle('active', s.sharing);
    set(b.chat, 'chat', s.unread ? `Chat (${s.unread} unread)` : 'Chat', s.unread || null);
    toggle(b.chat, s.chatOpen);
    set(b.people, 'people', `People (${s.people})`, s.people || null);
    toggle(b.people, s.peopleOpen);
    set(b.invite, 'userPlus', 'Invite people');
    toggle(b.invite, s.inviteOpen);
    set(b.stats, 'stats', s.statsOn ? 'Hide statistics' : 'Show statistics');
    toggle(b.stats, s.statsOn);
  }
}

function set(
  button: HTMLButtonElement,
  name: IconName,
  label: string,
  badge: number | null = null,
): void {
  button.setAttribute('aria-label', label);
  button.title = label;
  replaceChildren(
    button,
    icon(name),
    badge !== null ? h('span', { class: 'badge', 'aria-hidden': 'true' }, String(badge)) : null,
  );
}

function toggle(button: HTMLButtonElement, on: boolean): void {
  button.setAttribute('aria-pressed', String(on));
  button.classList.toggle('active', on);
}
