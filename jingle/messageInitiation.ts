/**
 * XEP-0353 Jingle Message Initiation 0.6 (urn:xmpp:jingle-message:0), the
 * messages that ring a callee's devices before any Jingle session exists, as
 * Conversations, Monal and Dino use them: propose, ringing, proceed, accept,
 * reject, retract and finish. Pure codec: build elements, parse messages.
 */
import xml, { type Element } from '@xmpp/xml';
import { badRequest, type JingleError } from './JingleError';
import {
  REASON_CONDITIONS,
  type JingleReason,
  type MediaKind,
  type ReasonCondition,
} from './model';
import { NS } from './namespaces';
import { err, ok, type Result } from './result';

export const NS_JMI = 'urn:xmpp:jingle-message:0';
const NS_HINTS = 'urn:xmpp:hints';

export const JMI_ACTIONS = [
  'propose',
  'ringing',
  'proceed',
  'accept',
  'reject',
  'retract',
  'finish',
] as const;
export type JmiAction = (typeof JMI_ACTIONS)[number];

export interface JmiMessage {
  action: JmiAction;
  /** The Jingle session id the call will use. */
  id: string;
  /** propose: the media offered. */
  media: MediaKind[];
  /** reject, retract, finish: why. */
  reason?: JingleReason;
}

/**
 * The `<message/>` carrying a JMI element. Proposals and their cancellations
 * are stored (they must reach offline devices and archives); the rest not.
 */
export function jmiMessage(to: string, m: JmiMessage, id?: string): Element {
  const payload = xml(m.action, { xmlns: NS_JMI, id: m.id });
  if (m.action === 'propose') {
    for (const media of m.media) payload.cnode(xml('description', { xmlns: NS.RTP, media }));
  }
  if (m.reason) {
    payload.cnode(
      xml(
        'reason',
        { xmlns: NS.JINGLE },
        xml(m.reason.condition),
        m.reason.text ? xml('text', {}, m.reason.text) : null,
      ),
    );
  }
  const store = ['propose', 'retract', 'reject', 'finish'].includes(m.action);
  return xml(
    'message',
    { to, type: 'chat', id },
    payload,
    store ? xml('store', { xmlns: NS_HINTS }) : null,
  );
}

/** The JMI payload of a message: null when there is none, an error when it is malformed. */
export function parseJmi(message: Element): Result<JmiMessage, JingleError> | null {
  const el = message.getChildElements().find((c) => c.attrs.xmlns === NS_JMI);
  if (!el) return null;
  const action = el.name as JmiAction;
  if (!(JMI_ACTIONS as readonly string[]).includes(action)) {
    return err(badRequest(`jingle-message.${el.name}`, 'unknown Jingle message'));
  }
  const id = el.attrs.id;
  if (!id || id.length > 256) return err(badRequest(`${action}.@id`, 'missing or too long'));
  const media: MediaKind[] = [];
  for (const d of el.getChildren('description', NS.RTP).slice(0, 4)) {
    if (d.attrs.media === 'audio' || d.attrs.media === 'video') media.push(d.attrs.media);
  }
  if (action === 'propose' && media.length === 0) {
    return err(badRequest('propose.description', 'a proposal needs an audio or video description'));
  }
  const result: JmiMessage = { action, id, media };
  const reason = el.getChild('reason', NS.JINGLE) ?? el.getChild('reason');
  const condition = reason
    ?.getChildElements()
    .find((c) => (REASON_CONDITIONS as readonly string[]).includes(c.name));
  if (condition) {
    result.reason = { condition: condition.name as ReasonCondition };
    const text = reason?.getChildText('text');
    if (text) result.reason.text = text.slice(0, 1024);
  }
  return ok(result);
}
