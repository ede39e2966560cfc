/**
 * A hand-driven conference participant for protocol tests: it joins a room
 * and asks for the conference like a client would, but answers nothing by
 * itself, so a test can send exactly the stanzas it wants.
 */
import { client as xmppClient, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../../jingle';
import { parseXml } from '../../jingle/fixtures/fixtures';
import { lowLatency } from '../../common/noDelay';

export class RawParticipant {
  /** Jingle IQs received, in order (acknowledged automatically). */
  readonly jingle: Element[] = [];

  private constructor(
    readonly xmpp: Client,
    readonly room: string,
    readonly nick: string,
  ) {}

  static async connect(service: string, domain: string): Promise<Client> {
    const c = lowLatency(xmppClient({ service, domain }));
    c.on('error', () => {});
    await c.start();
    return c;
  }

  /** Connects as a guest and joins `room` (unless `join` is false). */
  static async start(options: {
    service: string;
    domain: string;
    room: string;
    nick: string;
    join?: boolean;
  }): Promise<RawParticipant> {
    const c = await RawParticipant.connect(options.service, options.domain);
    const p = new RawParticipant(c, options.room, options.nick);
    c.iqCallee.set(NS.JINGLE, 'jingle', (ctx) => {
      p.jingle.push(ctx.stanza);
      return true;
    });
    if (options.join !== false) {
      const joined = new Promise<void>((resolve) => {
        const onStanza = (s: Element): void => {
          if (s.name === 'presence' && s.attrs.from === `${options.room}/${options.nick}`) {
            c.off('stanza', onStanza);
            resolve();
          }
        };
        c.on('stanza', onStanza);
      });
      await c.send(
        xml(
          'presence',
          { to: `${options.room}/${options.nick}` },
          xml('x', { xmlns: 'http://jabber.org/protocol/muc' }),
        ),
      );
      await joined;
    }
    return p;
  }

  /** Sends an IQ-set with the given payload (an element or XML text) and returns the reply. */
  set(to: string, payload: Element | string): Promise<Element> {
    const child = typeof payload === 'string' ? parseXml(payload) : payload;
    return this.xmpp.iqCaller.request(xml('iq', { type: 'set', to }, child), 10000);
  }

  /** Waits for a Jingle IQ with the given action. */
  async next(action: string, timeoutMs = 10000): Promise<Element> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.jingle.find(
        (iq) => iq.getChild('jingle', NS.JINGLE)?.attrs.action === action,
      );
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${action} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.xmpp.stop().catch(() => {});
  }
}
