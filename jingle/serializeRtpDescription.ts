/**
 * RtpDescription → `<description xmlns='urn:xmpp:jingle:apps:rtp:1'/>` with
 * XEP-0293, XEP-0294 and XEP-0339 children. The inverse of parseRtpDescription.
 */
import xml, { type Element } from '@xmpp/xml';
import type { PayloadType, RtcpFeedback, RtpDescription, Source } from './model';
import { NS } from './namespaces';

export function serializeRtpDescription(d: RtpDescription): Element {
  const el = xml('description', { xmlns: NS.RTP, media: d.media, ssrc: d.ssrc });
  for (const pt of d.payloadTypes) el.cnode(serializePayloadType(pt));
  if (d.bandwidth)
    el.cnode(xml('bandwidth', { type: d.bandwidth.type }, String(d.bandwidth.value)));
  if (d.rtcpMux) el.cnode(xml('rtcp-mux'));
  for (const fb of d.rtcpFeedback) el.cnode(serializeRtcpFeedback(fb));
  for (const ext of d.headerExtensions) {
    el.cnode(
      xml('rtp-hdrext', { xmlns: NS.RTP_HDREXT, id: ext.id, uri: ext.uri, senders: ext.senders }),
    );
  }
  if (d.extmapAllowMixed) el.cnode(xml('extmap-allow-mixed', { xmlns: NS.RTP_HDREXT }));
  for (const source of d.sources) el.cnode(serializeSource(source));
  for (const group of d.ssrcGroups) {
    el.cnode(
      xml(
        'ssrc-group',
        { xmlns: NS.SSMA, semantics: group.semantics },
        group.ssrcs.map((ssrc) => xml('source', { ssrc })),
      ),
    );
  }
  for (const rid of d.rids) el.cnode(xml('source', { xmlns: NS.SSMA, rid }));
  for (const group of d.ridGroups) {
    el.cnode(
      xml(
        'rid-group',
        { xmlns: NS.SSMA, semantics: group.semantics },
        group.rids.map((rid) => xml('source', { rid })),
      ),
    );
  }
  return el;
}

function serializePayloadType(pt: PayloadType): Element {
  return xml(
    'payload-type',
    {
      id: pt.id,
      name: pt.name,
      clockrate: pt.clockrate,
      channels: pt.channels,
      ptime: pt.ptime,
      maxptime: pt.maxptime,
    },
    pt.parameters.map((p) => xml('parameter', { name: p.name, value: p.value })),
    pt.rtcpFeedback.map(serializeRtcpFeedback),
  );
}

function serializeRtcpFeedback(fb: RtcpFeedback): Element {
  return xml('rtcp-fb', { xmlns: NS.RTCP_FB, type: fb.type, subtype: fb.subtype });
}

function serializeSource(source: Source): Element {
  return xml(
    'source',
    { xmlns: NS.SSMA, ssrc: source.ssrc },
    source.parameters.map((p) => xml('parameter', { name: p.name, value: p.value })),
    source.owner !== undefined
      ? xml('ssrc-info', { xmlns: NS.JITMEET, owner: source.owner })
      : null,
  );
}
