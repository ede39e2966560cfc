/** The Confab name and mark at the top of full-page screens. */
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
