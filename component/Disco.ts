/**
 * XEP-0030 Service Discovery 2.5 (disco#info; disco#items answers empty).
 * Other modules register their features here, so the answer always matches
 * what is implemented.
 */
import xml, { type Element } from '@xmpp/xml';
import type { IqRouter } from './IqRouter';
import { StanzaError } from './StanzaError';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

export interface Identity {
  category: string;
  type: string;
  name?: string;
}

export class Disco {
  private readonly identities: Identity[] = [];
  private readonly features = new Set<string>([NS_DISCO_INFO, NS_DISCO_ITEMS]);

  constructor(router: IqRouter) {
    router.get(NS_DISCO_INFO, 'query', ({ payload }) =>
      payload.attrs.node
        ? new StanzaError('item-not-found', `no node ${payload.attrs.node}`)
        : this.info(),
    );
    router.get(NS_DISCO_ITEMS, 'query', () => xml('query', { xmlns: NS_DISCO_ITEMS }));
  }

  addIdentity(identity: Identity): void {
    this.identities.push(identity);
  }

  addFeature(feature: string): void {
    this.features.add(feature);
  }

  info(): Element {
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO },
      ...this.identities.map((i) =>
        xml('identity', { category: i.category, type: i.type, name: i.name }),
      ),
      ...[...this.features].sort().map((f) => xml('feature', { var: f })),
    );
  }
}
