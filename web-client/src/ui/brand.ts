/** The Confab name and mark, and the frame of the full-page screens. */
import { h, icon } from './dom';

export function brand(): HTMLElement {
  return h('span', { class: 'brand' }, h('span', { class: 'brand-mark' }, icon('chat')), 'Confab');
}

export function brandHeader(...right: (Node | null)[]): HTMLElement {
  return h(
    'header',
    { class: 'screen-header' },
    h(
      'a',
      { href: '/', 'aria-label': 'Confab home', style: 'color:inherit;text-decoration:none' },
      brand(),
    ),
    h('div', {}, ...right),
  );
}

/** A full-page screen: the header, and `content` centred below it. */
export function fullPage(content: HTMLElement): HTMLElement {
  return h('div', { class: 'screen' }, brandHeader(), h('main', { class: 'screen-body' }, content));
}
