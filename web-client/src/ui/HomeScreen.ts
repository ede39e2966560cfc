/**
 * The start page: open a room by name (anyone, no account), and the
 * person's side: sign in with an account on the server to be reachable,
 * then call anyone by address (audio or video) and see the room invitations
 * that came in, with a Join button.
 */
import type { MucInvitation } from '../../../client/mucInvitation';
import type { MediaKind } from '../../../jingle';
import type { Account } from '../account/Account';
import type { ClientConfig } from '../config';
import { calleeJid, displayName } from '../address';
import { normaliseRoomName, randomRoomName } from '../room';
import { brand } from './brand';
import { h, icon, replaceChildren } from './dom';

export interface HomeActions {
  openRoom(room: string): void;
  signIn(username: string, password: string, remember: boolean): Promise<void>;
  signOut(): void;
  reconnect(): void;
  call(jid: string, kinds: MediaKind[]): Promise<void>;
  join(invitation: MucInvitation): void;
}

export interface HomeState {
  account: Account | null;
  /** A remembered account is signing in. */
  signingIn: boolean;
  /** Why the remembered sign-in failed. */
  signInProblem?: string;
}

export class HomeScreen {
  readonly el: HTMLElement;
  private readonly chip = h('div', { class: 'account-chip' });
  private readonly side = h('section', {
    class: 'home-card',
    'aria-labelledby': 'contacts-title',
  });
  private state: HomeState;
  private readonly onAccount = (): void => this.renderAccount();

  constructor(
    private readonly config: ClientConfig,
    private readonly actions: HomeActions,
    state: HomeState,
    problem?: string,
  ) {
    this.state = state;
    this.el = h(
      'div',
      { class: 'screen' },
      h(
        'header',
        { class: 'screen-header' },
        h(
          'a',
          { href: '/', 'aria-label': 'Confab home', style: 'color:inherit;text-decoration:none' },
          brand(),
        ),
        this.chip,
      ),
      h(
        'main',
        { class: 'screen-body' },
        h('div', { class: 'home' }, this.rooms(problem), this.side),
      ),
    );
    this.update(state);
  }

  /** New account state (signed in or out, signing in). */
  update(state: HomeState): void {
    this.state.account?.off('state', this.onAccount);
    this.state.account?.off('invitations', this.onAccount);
    this.state = state;
    state.account?.on('state', this.onAccount);
    state.account?.on('invitations', this.onAccount);
    this.renderAccount();
  }

  private rooms(problem: string | undefined): HTMLElement {
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
      this.actions.openRoom(name);
    });
    return h(
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
    );
  }

  private renderAccount(): void {
    const { account } = this.state;
    if (!account) {
      replaceChildren(this.chip);
      replaceChildren(this.side, ...this.signInForm());
      return;
    }
    const online = account.state === 'online';
    replaceChildren(
      this.chip,
      h(
        'span',
        { class: 'presence', 'data-state': online ? 'online' : 'offline' },
        h('span', { class: 'sr-only' }, online ? 'Available: ' : 'Offline: '),
        account.jid,
      ),
      h(
        'button',
        {
          class: 'btn btn-ghost btn-small',
          type: 'button',
          'data-action': 'sign-out',
          onclick: () => this.actions.signOut(),
        },
        'Sign out',
      ),
    );
    replaceChildren(this.side, ...this.callForm(account), ...this.invitations(account));
  }

  private signInForm(): HTMLElement[] {
    const { domain } = this.config;
    const username = h('input', {
      class: 'input',
      id: 'username',
      type: 'text',
      autocomplete: 'username',
      autocapitalize: 'none',
      spellcheck: 'false',
      required: true,
      placeholder: `name or name@${domain}`,
    });
    const password = h('input', {
      class: 'input',
      id: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const remember = h('input', { type: 'checkbox', id: 'remember' });
    const problem = this.state.signInProblem;
    const errorText = h('span', {}, problem ?? '');
    const error = h(
      'p',
      { class: 'notice notice-error', id: 'signin-error', role: 'alert', hidden: !problem },
      icon('warning'),
      errorText,
    );
    const submit = h(
      'button',
      { class: 'btn btn-primary', type: 'submit', disabled: this.state.signingIn },
      this.state.signingIn ? 'Signing in…' : 'Sign in',
    );
    const form = h(
      'form',
      { class: 'signin', 'aria-describedby': 'signin-error' },
      h('label', { class: 'field', for: 'username' }, h('span', {}, 'Username'), username),
      h('label', { class: 'field', for: 'password' }, h('span', {}, 'Password'), password),
      h(
        'label',
        { class: 'check', for: 'remember' },
        remember,
        h('span', {}, 'Remember me on this device'),
      ),
      error,
      h('div', { class: 'join-actions' }, submit),
    );
    const fail = (text: string, field: HTMLInputElement): void => {
      error.hidden = false;
      errorText.textContent = text;
      field.focus();
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      let user = username.value.trim();
      if (user.includes('@')) {
        const [local = '', host = ''] = user.split('@');
        if (host.toLowerCase() !== domain)
          return fail(`Sign in with an account on ${domain}.`, username);
        user = local;
      }
      if (!user) return fail('Enter your username.', username);
      if (!password.value) return fail('Enter your password.', password);
      error.hidden = true;
      submit.disabled = true;
      submit.textContent = 'Signing in…';
      this.actions.signIn(user, password.value, remember.checked).catch((e: unknown) => {
        submit.disabled = false;
        submit.textContent = 'Sign in';
        password.value = '';
        fail(e instanceof Error ? e.message : String(e), password);
      });
    });
    return [
      h('h2', { id: 'contacts-title' }, 'Call someone'),
      h(
        'p',
        { class: 'muted' },
        `Sign in with your account on ${domain} to call anyone by their address, and to receive calls and invitations.`,
      ),
      form,
    ];
  }

  private callForm(account: Account): HTMLElement[] {
    const { domain } = this.config;
    const input = h('input', {
      class: 'input',
      id: 'callee',
      type: 'text',
      autocomplete: 'off',
      autocapitalize: 'none',
      spellcheck: 'false',
      inputmode: 'email',
      placeholder: `name@${domain}`,
      'aria-describedby': 'call-error',
    });
    const errorText = h('span', {});
    const error = h(
      'p',
      { class: 'notice notice-error', id: 'call-error', role: 'alert', hidden: true },
      icon('warning'),
      errorText,
    );
    const place = async (kinds: MediaKind[]): Promise<void> => {
      const jid = calleeJid(input.value, domain);
      const problem = !jid
        ? 'Enter an address such as name@' + domain + '.'
        : jid === account.jid
          ? 'That is you. Enter the address of the person to call.'
          : null;
      if (problem || !jid) {
        error.hidden = false;
        errorText.textContent = problem ?? '';
        input.focus();
        return;
      }
      error.hidden = true;
      try {
        await this.actions.call(jid, kinds);
      } catch (e) {
        error.hidden = false;
        errorText.textContent = e instanceof Error ? e.message : String(e);
      }
    };
    const form = h(
      'form',
      { class: 'call-form' },
      h('label', { class: 'field', for: 'callee' }, h('span', {}, 'Address'), input),
      error,
      h(
        'div',
        { class: 'join-actions' },
        h(
          'button',
          {
            class: 'btn',
            type: 'button',
            'data-action': 'audio-call',
            onclick: () => void place(['audio']),
          },
          icon('phone'),
          'Audio call',
        ),
        h(
          'button',
          { class: 'btn btn-primary', type: 'submit', 'data-action': 'video-call' },
          icon('camera'),
          'Video call',
        ),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void place(['audio', 'video']);
    });
    const offline = account.state !== 'online';
    const parts: (HTMLElement | null)[] = [
      h('h2', { id: 'contacts-title' }, 'Call someone'),
      offline
        ? h(
            'p',
            { class: 'notice', role: 'status' },
            icon('warning'),
            h(
              'span',
              {},
              account.state === 'failed'
                ? 'You are offline. Calls cannot reach you. '
                : 'Connecting to the server… ',
            ),
            account.state === 'failed'
              ? h(
                  'button',
                  {
                    class: 'btn btn-small btn-primary',
                    type: 'button',
                    onclick: () => this.actions.reconnect(),
                  },
                  icon('retry'),
                  'Reconnect',
                )
              : null,
          )
        : null,
      form,
      h(
        'p',
        { class: 'hint' },
        'People reach you at ',
        h('strong', {}, account.jid),
        '. Keep this page open to receive calls.',
      ),
    ];
    return parts.filter((e): e is HTMLElement => e !== null);
  }

  private invitations(account: Account): HTMLElement[] {
    const list = account.invitations;
    if (list.length === 0) return [];
    return [
      h('h3', { class: 'invitations-title' }, icon('mail'), 'Invitations'),
      h(
        'ul',
        { class: 'invitations', 'aria-label': 'Invitations' },
        ...list.map((inv) =>
          h(
            'li',
            { 'data-room': inv.room },
            h(
              'div',
              { class: 'who' },
              h(
                'span',
                {},
                h('strong', {}, displayName(inv.room)),
                // Guests have random addresses; their name is in the reason.
                inviterIsGuest(inv.from, this.config) ? null : ` · from ${displayName(inv.from)}`,
              ),
              inv.reason ? h('small', { title: inv.reason }, reasonText(inv)) : null,
            ),
            h(
              'button',
              {
                class: 'btn btn-primary btn-small',
                type: 'button',
                'data-action': 'join-invitation',
                'aria-label': `Join ${displayName(inv.room)}`,
                onclick: () => this.actions.join(inv),
              },
              'Join',
            ),
            h(
              'button',
              {
                class: 'icon-btn',
                type: 'button',
                'aria-label': 'Dismiss the invitation',
                title: 'Dismiss',
                onclick: () => account.dismissInvitation(inv),
              },
              icon('close'),
            ),
          ),
        ),
      ),
    ];
  }

  destroy(): void {
    this.state.account?.off('state', this.onAccount);
    this.state.account?.off('invitations', this.onAccount);
    this.el.remove();
  }
}

function inviterIsGuest(from: string, config: ClientConfig): boolean {
  const bare = from.split('/')[0] ?? '';
  return bare.endsWith(`@${config.guestDomain}`);
}

/** The inviter's words without the link (the Join button opens it). */
function reasonText(inv: MucInvitation): string {
  const text = inv.url ? (inv.reason ?? '').replace(inv.url, '') : (inv.reason ?? '');
  return text.replace(/[\s:.,-]+$/, '') || (inv.reason ?? '');
}
