/**
 * The invite panel of a room: the room's link to copy, and an invitation by
 * address (a standard XMPP room invitation carrying the link, which any chat
 * app shows), with the invitations sent so far.
 */
import { calleeJid } from '../address';
import { copyLink, h, icon, replaceChildren } from './dom';

export interface InvitePanelOptions {
  url: string;
  /** The server's domain, for addresses typed without one. */
  domain: string;
  invite(jid: string): Promise<void>;
  onClose(): void;
}

export class InvitePanel {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly sent = h('ul', { class: 'sent-invitations', 'aria-label': 'Invitations sent' });
  private readonly error = h('p', {
    class: 'notice notice-error',
    id: 'invite-error',
    role: 'alert',
    hidden: true,
  });

  constructor(private readonly o: InvitePanelOptions) {
    this.input = h('input', {
      class: 'input',
      id: 'invitee',
      type: 'text',
      autocomplete: 'off',
      autocapitalize: 'none',
      spellcheck: 'false',
      inputmode: 'email',
      placeholder: `name@${o.domain}`,
      'aria-describedby': 'invite-error',
    });
    const copy = h(
      'button',
      {
        class: 'btn btn-ghost btn-small',
        type: 'button',
        onclick: () => void copyLink(o.url, copy),
      },
      icon('link'),
      'Copy link',
    );
    const form = h(
      'form',
      { class: 'invite-form' },
      h(
        'label',
        { class: 'field', for: 'invitee' },
        h('span', {}, 'Invite by address'),
        this.input,
      ),
      this.error,
      h(
        'button',
        { class: 'btn btn-primary btn-small', type: 'submit', 'data-action': 'send-invitation' },
        icon('userPlus'),
        'Send invitation',
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.el = h(
      'section',
      { class: 'panel invite-panel', 'aria-labelledby': 'invite-title', hidden: true },
      h(
        'header',
        { class: 'panel-header' },
        h('h2', { id: 'invite-title' }, 'Invite people'),
        h(
          'button',
          { class: 'icon-btn', type: 'button', 'aria-label': 'Close invite', onclick: o.onClose },
          icon('close'),
        ),
      ),
      h(
        'div',
        { class: 'panel-body' },
        h('p', { class: 'muted' }, 'Anyone with the link can join from a browser:'),
        h('p', { class: 'room-link' }, h('code', {}, o.url), copy),
        form,
        h(
          'p',
          { class: 'hint' },
          'They receive a chat invitation with the link, in Confab or any XMPP app.',
        ),
        this.sent,
      ),
    );
  }

  focus(): void {
    this.input.focus();
  }

  private async send(): Promise<void> {
    const jid = calleeJid(this.input.value, this.o.domain);
    if (!jid) return this.fail(`Enter an address such as name@${this.o.domain}.`);
    this.error.hidden = true;
    try {
      await this.o.invite(jid);
    } catch (e) {
      return this.fail(e instanceof Error ? e.message : 'The invitation could not be sent.');
    }
    this.input.value = '';
    this.sent.prepend(
      h('li', { 'data-jid': jid }, icon('mail'), h('span', {}, `Invitation sent to ${jid}`)),
    );
  }

  private fail(text: string): void {
    this.error.hidden = false;
    replaceChildren(this.error, icon('warning'), h('span', {}, text));
    this.input.focus();
  }
}
