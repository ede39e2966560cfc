/** The simple full-page screens: start a meeting, the call has ended, something is wrong. */
import { normaliseRoomName, randomRoomName } from '../room';
import { fullPage } from './brand';
import { h, icon } from './dom';

export function landingScreen(problem?: string): HTMLElement {
  const input = h('input', {
    class: 'input',
    id: 'room-name',
    type: 'text',
    maxlength: 64,
    autocomplete: 'off',
    placeholder: randomRoomName(),
    'aria-describedby': 'room-help',
  });
  const errorText = h('span', {}, problem ?? '');
  const error = h(
    'p',
    { class: 'notice notice-error', role: 'alert', hidden: !problem },
    icon('warning'),
    errorText,
  );
  const form = h(
    'form',
    { class: 'landing-form' },
    h('label', { class: 'sr-only', for: 'room-name' }, 'Room name'),
    input,
    h('button', { class: 'btn btn-primary', type: 'submit' }, 'Start or join'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = normaliseRoomName(input.value || input.placeholder);
    if (!name) {
      error.hidden = false;
      errorText.textContent = 'Use letters, digits, dots, dashes or underscores.';
      input.focus();
      return;
    }
    location.assign(`/${encodeURIComponent(name)}`);
  });
  return fullPage(
    h(
      'section',
      { class: 'landing', 'aria-labelledby': 'landing-title' },
      h('h1', { id: 'landing-title' }, 'Video calls for everyone in the room'),
      h(
        'p',
        { id: 'room-help' },
        'Pick a room name and share the link. No account and nothing to install.',
      ),
      error,
      form,
    ),
  );
}

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
