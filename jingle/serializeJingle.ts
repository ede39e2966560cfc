/**
 * JinglePayload → `<jingle xmlns='urn:xmpp:jingle:1'/>`. The inverse of
 * parseJingle: parseJingle(serializeJingle(p)) equals p for any valid p.
 */
import xml, { type Element } from '@xmpp/xml';
import type { JingleContent, JinglePayload, JingleReason, SessionInfo } from './model';
import { NS } from './namespaces';
import { serializeIceUdpTransport } from './serializeIceUdpTransport';
import { serializeRtpDescription } from './serializeRtpDescription';

export function serializeJingle(p: JinglePayload): Element {
  const el = xml('jingle', {
    xmlns: NS.JINGLE,
    action: p.action,
    sid: p.sid,
    initiator: p.initiator,
    responder: p.responder,
  });
  for (const group of p.groups) {
    el.cnode(
      xml(
        'group',
        { xmlns: NS.GROUPING, semantics: group.semantics },
        group.contents.map((name) => xml('content', { name })),
      ),
    );
  }
  for (const content of p.contents) el.cnode(serializeContent(content));
  if (p.reason) el.cnode(serializeReason(p.reason));
  if (p.info) el.cnode(serializeSessionInfo(p.info));
  return el;
}

export function serializeContent(c: JingleContent): Element {
  const el = xml('content', {
    creator: c.creator,
    name: c.name,
    senders: c.senders,
    disposition: c.disposition,
  });
  if (c.description) el.cnode(serializeRtpDescription(c.description));
  if (c.transport) el.cnode(serializeIceUdpTransport(c.transport));
  return el;
}

function serializeReason(r: JingleReason): Element {
  const condition = xml(r.condition);
  if (r.condition === 'alternative-session' && r.alternativeSid !== undefined) {
    condition.cnode(xml('sid', {}, r.alternativeSid));
  }
  return xml('reason', {}, condition, r.text !== undefined ? xml('text', {}, r.text) : undefined);
}

function serializeSessionInfo(info: SessionInfo): Element {
  if (info.type === 'mute' || info.type === 'unmute') {
    return xml(info.type, { xmlns: NS.RTP_INFO, creator: info.creator, name: info.name });
  }
  return xml(info.type, { xmlns: NS.RTP_INFO });
}
