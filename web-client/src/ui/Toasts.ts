/** Short messages at the bottom of the call ("Sam joined"), read out by screen readers. */
import { h } from './dom';

const SHOW_MS = 4000;
const MAX_SHOWN = 3;

export class Toasts {
  readonly el = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });

  show(text: string): void {
    const toast = h('div', { class: 'toast' }, text);
    this.el.append(toast);
    while (this.el.childElementCount > MAX_SHOWN) this.el.firstElementChild?.remove();
    setTimeout(() => toast.remove(), SHOW_MS);
  }
}
