/** The participant list: everyone in the room, with their microphone and camera state. */
import { h, hueOf, icon, initials, replaceChildren } from './dom';

export interface PersonView {
  nick: string;
  self: boolean;
  /** Has media in the call (not only in the chat). */
  inCall: boolean;
  micMuted: boolean;
  cameraOff: boolean;
  speaking: boolean;
}

export class PeoplePanel {
  readonly el: HTMLElement;
  private readonly title = h('h2', { id: 'people-title' }, 'People');
  private readonly list = h('ul', { class: 'people', 'aria-labelledby': 'people-title' });

  constructor(onClose: () => void) {
    this.el = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'people-title', hidden: true },
      h(
        'header',
        { class: 'panel-header' },
        this.title,
        h(
          'button',
          { class: 'icon-btn', type: 'button', 'aria-label': 'Close people', onclick: onClose },
          icon('close'),
        ),
      ),
      this.list,
    );
  }

  update(people: PersonView[]): void {
    this.title.textContent = `People (${people.length})`;
    const sorted = [...people].sort((a, b) =>
      a.self !== b.self ? (a.self ? -1 : 1) : a.nick.localeCompare(b.nick),
    );
    replaceChildren(
      this.list,
      ...sorted.map((p) =>
        h(
          'li',
          { 'data-nick': p.nick },
          h(
            'span',
            { class: 'dot', style: `--hue:${hueOf(p.nick)}`, 'aria-hidden': 'true' },
            initials(p.nick),
          ),
          h(
            'span',
            { class: 'who' },
            h('span', {}, p.self ? `${p.nick} (you)` : p.nick),
            h('small', {}, p.speaking ? 'Speaking' : p.inCall ? 'In the call' : 'In the chat'),
          ),
          p.inCall
            ? h(
                'span',
                { class: 'state' },
                p.micMuted
                  ? h('span', { 'aria-label': 'microphone off', role: 'img' }, icon('micOff'))
                  : null,
                p.cameraOff
                  ? h('span', { 'aria-label': 'camera off', role: 'img' }, icon('cameraOff'))
                  : null,
              )
            : null,
        ),
      ),
    );
  }
}
