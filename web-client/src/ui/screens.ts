/** The simple full-page screens: the call has ended, something is wrong. */
import { fullPage } from './brand';
import { h, icon } from './dom';

export function endedScreen(room: string, onRejoin: () => void): HTMLElement {
  return messageScreen('You left the call', `You were in ${room}.`, [
    h('button', { class: 'btn btn-primary', type: 'button', onclick: onRejoin }, 'Rejoin'),
    h('a', { class: 'btn btn-ghost', href: '/', style: 'text-decoration:none' }, 'Back to start'),
  ]);
}

export function errorScreen(title: string, text: string, onRetry: () => void): HTMLElement {
  return messageScreen(title, text, [
    h(
      'button',
      { class: 'btn btn-primary', type: 'button', onclick: onRetry },
      icon('retry'),
      'Try again',
    ),
  ]);
}

function messageScreen(title: string, text: string, actions: HTMLElement[]): HTMLElement {
  return fullPage(
    h(
      'section',
      { class: 'ended', 'aria-labelledby': 'message-title' },
      h('h1', { id: 'message-title' }, title),
      h('p', {}, text),
      h('div', { class: 'join-actions' }, ...actions),
    ),
  );
}
