/** Reading the XMPP error of a rejected xmpp.js IQ request in tests. */
import type { Element } from '@xmpp/xml';

export interface ReceivedError {
  condition: string;
  type: string | undefined;
  text: string;
  /** Application-specific condition element name, e.g. unknown-session. */
  app: string | undefined;
}

export async function stanzaErrorOf(request: Promise<unknown>): Promise<ReceivedError> {
  try {
    await request;
  } catch (error) {
    const e = error as {
      condition?: string;
      text?: string;
      element?: Element;
      application?: Element;
    };
    if (!e.condition) throw error;
    return {
      condition: e.condition,
      type: e.element?.attrs.type,
      text: e.text ?? '',
      app: e.application?.name,
    };
  }
  throw new Error('expected an error reply, got a result');
}
