/**
 * XEP-0166 `<jingle xmlns='urn:xmpp:jingle:1'/>` → JinglePayload, with
 * XEP-0338 groups, the reason element and XEP-0167 session-info payloads.
 *
 * Never throws: every input gives either a model or a JingleError.
 */
import type { Element } from '@xmpp/xml';
import { JingleError, badRequest } from './JingleError';
import { LIMITS } from './limits';
import {
  JINGLE_ACTIONS,
  REASON_CONDITIONS,
  ROLES,
  SENDERS,
  type ContentGroup,
  type JingleContent,
  type JinglePayload,
  type JingleReason,
  type ReasonCondition,
  type SessionInfo,
} from './model';
import { NS } from './namespaces';
import { err, ok, type Result } from './result';
import { parseIceUdpTransport } from './parseIceUdpTransport';
import { parseRtpDescription } from './parseRtpDescription';
import {
  ParseFailure,
  assertUnique,
  child,
  children,
  elementChildren,
  fail,
  optionalEnum,
  optionalString,
  requiredEnum,
  requiredString,
  textOf,
  unsupported,
} from './xmlReaders';

/**
 * Parses a `<jingle/>` element, or the `<iq/>` that carries it.
 */
export function parseJingle(element: Element): Result<JinglePayload, JingleError> {
  try {
    return ok(readJingle(element));
  } catch (e) {
    if (e instanceof ParseFailure) return err(e.error);
    // A bug, not bad input; still an answer rather than a crash.
    return err(badRequest('jingle', `unexpected: ${e instanceof Error ? e.message : String(e)}`));
  }
}

function readJingle(element: Element): JinglePayload {
  let el = element;
  if (el.getName() === 'iq') {
    const inner = child(el, 'jingle', NS.JINGLE, 'iq');
    if (!inner) fail('iq.jingle', 'missing');
    el = inner;
  }
  if (el.getName() !== 'jingle' || el.getNS() !== NS.JINGLE)
    fail('jingle', `not a <jingle xmlns='${NS.JINGLE}'/>`);
  const path = 'jingle';
  const action = requiredEnum(el, 'action', path, JINGLE_ACTIONS);
  const contents = children(el, 'content', NS.JINGLE, path, LIMITS.contents).map((c, i) =>
    parseContent(c, i),
  );
  assertUnique(
    contents.map((c) => `${c.creator} ${c.name}`),
    `${path}.content`,
    'creator and name',
  );
  const payload: JinglePayload = {
    action,
    sid: requiredString(el, 'sid', path),
    contents,
    groups: children(el, 'group', NS.GROUPING, path, LIMITS.groups).map((g, i) =>
      parseGroup(g, `${path}.group[${i}]`),
    ),
  };
  const initiator = optionalString(el, 'initiator', path, { max: LIMITS.jid });
  const responder = optionalString(el, 'responder', path, { max: LIMITS.jid });
  if (initiator !== undefined) payload.initiator = initiator;
  if (responder !== undefined) payload.responder = responder;
  const reasonEl = child(el, 'reason', NS.JINGLE, path);
  if (reasonEl) payload.reason = parseReason(reasonEl, `${path}.reason`);
  if (action === 'session-info') {
    const info = parseSessionInfo(el, path);
    if (info) payload.info = info;
  }
  return payload;
}

function parseContent(el: Element, index: number): JingleContent {
  const name = requiredString(el, 'name', `jingle.content[${index}]`);
  const path = `jingle.content[${name}]`;
  const content: JingleContent = { name, creator: requiredEnum(el, 'creator', path, ROLES) };
  const senders = optionalEnum(el, 'senders', path, SENDERS);
  const disposition = optionalString(el, 'disposition', path, { max: 64 });
  if (senders !== undefined) content.senders = senders;
  if (disposition !== undefined) content.disposition = disposition;
  const descriptions = elementChildren(el).filter((c) => c.getName() === 'description');
  if (descriptions.length > 1) fail(`${path}.description`, 'more than one description');
  const description = descriptions[0];
  if (description) {
    if (description.getNS() !== NS.RTP) {
      unsupported(
        `${path}.description`,
        `application '${String(description.getNS())}' is not supported`,
        {
          reason: 'unsupported-applications',
        },
      );
    }
    content.description = parseRtpDescription(description, `${path}.description`);
  }
  const transports = elementChildren(el).filter((c) => c.getName() === 'transport');
  if (transports.length > 1) fail(`${path}.transport`, 'more than one transport');
  const transport = transports[0];
  if (transport) {
    if (transport.getNS() !== NS.ICE_UDP) {
      unsupported(
        `${path}.transport`,
        `transport '${String(transport.getNS())}' is not supported`,
        {
          reason: 'unsupported-transports',
        },
      );
    }
    content.transport = parseIceUdpTransport(transport, `${path}.transport`);
  }
  return content;
}

function parseGroup(el: Element, path: string): ContentGroup {
  // Early Jitsi versions wrote `type` instead of `semantics`.
  const semantics =
    optionalString(el, 'semantics', path, { max: 32 }) ??
    optionalString(el, 'type', path, { max: 32 });
  if (semantics === undefined) fail(`${path}.@semantics`, 'missing');
  const contents = children(el, 'content', NS.GROUPING, path, LIMITS.contents).map((c, i) =>
    requiredString(c, 'name', `${path}.content[${i}]`),
  );
  assertUnique(contents, `${path}.content`, 'name');
  return { semantics, contents };
}

function parseReason(el: Element, path: string): JingleReason {
  const conditionEl = elementChildren(el).find(
    (c) =>
      c.getNS() === NS.JINGLE && (REASON_CONDITIONS as readonly string[]).includes(c.getName()),
  );
  if (!conditionEl) fail(path, 'no known condition');
  const reason: JingleReason = { condition: conditionEl.getName() as ReasonCondition };
  if (reason.condition === 'alternative-session') {
    const sid = child(conditionEl, 'sid', NS.JINGLE, `${path}.alternative-session`);
    if (!sid) fail(`${path}.alternative-session.sid`, 'missing');
    reason.alternativeSid = textOf(
      sid,
      `${path}.alternative-session.sid`,
      LIMITS.shortString,
    ).trim();
  }
  const text = child(el, 'text', NS.JINGLE, path);
  if (text) reason.text = textOf(text, `${path}.text`, LIMITS.text);
  return reason;
}

const SIMPLE_INFO = ['active', 'hold', 'unhold', 'ringing'] as const;

function parseSessionInfo(el: Element, path: string): SessionInfo | undefined {
  // Anything but Jingle's own children (content, reason) and groups is an informational payload.
  const payloads = elementChildren(el).filter(
    (c) => c.getNS() !== NS.JINGLE && !(c.getName() === 'group' && c.getNS() === NS.GROUPING),
  );
  const first = payloads[0];
  if (!first) return undefined;
  const name = first.getName();
  const infoPath = `${path}.${name}`;
  if (first.getNS() !== NS.RTP_INFO) {
    unsupported(infoPath, `session-info payload '${String(first.getNS())}' is not supported`, {
      jingleCondition: 'unsupported-info',
    });
  }
  const simple = SIMPLE_INFO.find((s) => s === name);
  if (simple) return { type: simple };
  if (name === 'mute' || name === 'unmute') {
    const info: SessionInfo = { type: name };
    const creator = optionalEnum(first, 'creator', infoPath, ROLES);
    const contentName = optionalString(first, 'name', infoPath);
    if (creator !== undefined) info.creator = creator;
    if (contentName !== undefined) info.name = contentName;
    return info;
  }
  return unsupported(infoPath, 'unknown session-info payload', {
    jingleCondition: 'unsupported-info',
  });
}
