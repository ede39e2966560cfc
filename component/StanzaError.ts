/**
 * XMPP stanza errors (RFC 6120 §8.3). Protocol handlers return these; the IQ
 * router turns them into `<iq type='error'>` replies.
 */
import xml, { type Element } from '@xmpp/xml';

export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

export type ErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

export type ErrorCondition =
  | 'bad-request'
  | 'conflict'
  | 'feature-not-implemented'
  | 'forbidden'
  | 'internal-server-error'
  | 'item-not-found'
  | 'jid-malformed'
  | 'not-acceptable'
  | 'not-allowed'
  | 'not-authorized'
  | 'policy-violation'
  | 'recipient-unavailable'
  | 'remote-server-not-found'
  | 'remote-server-timeout'
  | 'resource-constraint'
  | 'service-unavailable'
  | 'undefined-condition'
  | 'unexpected-request';

/** Default error type for each condition, from RFC 6120's examples. */
const DEFAULT_TYPE: Record<ErrorCondition, ErrorType> = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
};

/** An application-specific condition element, e.g. Jingle's <unknown-session/>. */
export interface AppCondition {
  name: string;
  xmlns: string;
}

export class StanzaError extends Error {
  override name = 'StanzaError';
  readonly type: ErrorType;

  constructor(
    readonly condition: ErrorCondition,
    readonly text?: string,
    options: { type?: ErrorType; app?: AppCondition } = {},
  ) {
    super(text ? `${condition}: ${text}` : condition);
    this.type = options.type ?? DEFAULT_TYPE[condition];
    this.app = options.app;
  }

  readonly app: AppCondition | undefined;

  toElement(): Element {
    return xml(
      'error',
      { type: this.type },
      xml(this.condition, { xmlns: NS_STANZAS }),
      this.text ? xml('text', { xmlns: NS_STANZAS }, this.text) : null,
      this.app ? xml(this.app.name, { xmlns: this.app.xmlns }) : null,
    );
  }

  /** Reads the error of an `<iq type='error'>` (or other stanza) reply. */
  static fromStanza(stanza: Element): StanzaError | null {
    const error = stanza.getChild('error');
    return error ? StanzaError.fromError(error) : null;
  }

  /** Reads an `<error/>` element. */
  static fromError(error: Element): StanzaError {
    const conditionEl = error
      .getChildElements()
      .find((c) => c.attrs.xmlns === NS_STANZAS && c.name !== 'text');
    const condition = (conditionEl?.name ?? 'undefined-condition') as ErrorCondition;
    const text = error.getChildText('text', NS_STANZAS) ?? undefined;
    const type = (error.attrs.type as ErrorType | undefined) ?? DEFAULT_TYPE[condition];
    return new StanzaError(condition in DEFAULT_TYPE ? condition : 'undefined-condition', text, {
      type,
    });
  }
}
