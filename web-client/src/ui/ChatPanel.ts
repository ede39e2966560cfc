/**
 * The chat side panel: the room's groupchat, so people in ordinary XMPP
 * clients read and answer the same messages.
 */
import type { ChatMessage } from '../xmpp/MucRoom';
import { h, icon, replaceChildren } from './dom';

const MAX_MESSAGE = 2000;

export class ChatPanel {
  readonly el: HTMLElement;
  private readonly list = h('ol', {
    class: 'messages',
    'aria-live': 'polite',
    'aria-label': 'Messages',
  });
  private readonly input: HTMLInputElement;
  private readonly seen = new Set<string>();
  private count = 0;

  constructor(onSend: (text: string) => Promise<void>, onClose: () => void) {
    this.input = h('input', {
      class: 'input',
      id: 'chat-input',
      type: 'text',
      maxlength: MAX_MESSAGE,
      autocomplete: 'off',
      placeholder: 'Send a message to everyone',
    });
    const form = h(
      'form',
      { class: 'composer' },
      h('label', { class: 'sr-only', for: 'chat-input' }, 'Message'),
      this.input,
      h(
        'button',
        { class: 'icon-btn', type: 'submit', 'aria-label': 'Send message', title: 'Send' },
        icon('send'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      onSend(text).catch(() => {
        this.input.value = text;
      });
    });
    this.el = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'chat-title', hidden: true },
      h(
        'header',
        { class: 'panel-header' },
        h('h2', { id: 'chat-title' }, 'Chat'),
        h(
          'button',
          { class: 'icon-btn', type: 'button', 'aria-label': 'Close chat', onclick: onClose },
          icon('close'),
        ),
      ),
      this.list,
      form,
    );
    this.renderEmpty();
  }

  add(message: ChatMessage): void {
    const key = `${message.nick}\u0000${message.id}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.count === 0) this.list.textContent = '';
    this.count++;
    const time = message.time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(
      h(
        'li',
        { 'data-self': message.self, 'data-nick': message.nick },
        h(
          'div',
          { class: 'meta' },
          h('b', {}, message.self ? 'You' : message.nick),
          h('time', { datetime: message.time.toISOString() }, time),
        ),
        h('p', {}, message.text),
      ),
    );
    if (atBottom || message.self) this.list.scrollTop = this.list.scrollHeight;
  }

  focus(): void {
    this.input.focus();
    this.list.scrollTop = this.list.scrollHeight;
  }

  private renderEmpty(): void {
    replaceChildren(
      this.list,
      h('li', { class: 'empty' }, 'No messages yet. Messages are seen by everyone in the room.'),
    );
  }
}
