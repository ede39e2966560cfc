/**
 * XEP-0167 `<description xmlns='urn:xmpp:jingle:apps:rtp:1'/>` with its
 * extensions: XEP-0293 rtcp-fb, XEP-0294 rtp-hdrext and extmap-allow-mixed,
 * XEP-0339 source and ssrc-group (plus rid sources and rid-groups as Jitsi
 * sends them). Unknown children are ignored.
 */
import type { Element } from '@xmpp/xml';
import { LIMITS, MAX_UINT32 } from './limits';
import {
  SENDERS,
  type HeaderExtension,
  type Parameter,
  type PayloadType,
  type RidGroup,
  type RtcpFeedback,
  type RtpDescription,
  type Source,
  type SourceParameter,
  type SsrcGroup,
} from './model';
import { NS } from './namespaces';
import {
  assertUnique,
  checkInteger,
  child,
  children,
  elementChildren,
  fail,
  hasAttribute,
  optionalEnum,
  optionalInteger,
  optionalString,
  requiredInteger,
  requiredString,
  ssrcOf,
  textOf,
  unsupported,
} from './xmlReaders';

const FMTP_PART = /^[^;=\s]*$/;
const FMTP_VALUE = /^[^;\s]*$/;

export function parseRtpDescription(el: Element, path: string): RtpDescription {
  const media = requiredString(el, 'media', path);
  if (media !== 'audio' && media !== 'video') {
    unsupported(`${path}.@media`, `media '${media}' is not supported`, {
      reason: 'unsupported-applications',
    });
  }
  const payloadTypes = children(el, 'payload-type', NS.RTP, path, LIMITS.payloadTypes).map(
    (pt, i) => parsePayloadType(pt, `${path}.payload-type[${i}]`),
  );
  assertUnique(
    payloadTypes.map((p) => p.id),
    `${path}.payload-type`,
    'id',
  );
  const headerExtensions = children(
    el,
    'rtp-hdrext',
    NS.RTP_HDREXT,
    path,
    LIMITS.headerExtensions,
  ).map((h, i) => parseHeaderExtension(h, `${path}.rtp-hdrext[${i}]`));
  assertUnique(
    headerExtensions.map((h) => h.id),
    `${path}.rtp-hdrext`,
    'id',
  );
  const { sources, rids } = parseSources(el, path);
  const ssrc = optionalInteger(el, 'ssrc', path, 1, MAX_UINT32);
  const bandwidthEl = child(el, 'bandwidth', NS.RTP, path);
  const description: RtpDescription = {
    media,
    payloadTypes,
    rtcpMux: has(el, 'rtcp-mux', NS.RTP),
    rtcpFeedback: parseRtcpFeedback(el, path),
    headerExtensions,
    extmapAllowMixed: has(el, 'extmap-allow-mixed', NS.RTP_HDREXT),
    sources,
    ssrcGroups: children(el, 'ssrc-group', NS.SSMA, path, LIMITS.ssrcGroups).map((g, i) =>
      parseSsrcGroup(g, `${path}.ssrc-group[${i}]`),
    ),
    rids,
    ridGroups: children(el, 'rid-group', NS.SSMA, path, LIMITS.ssrcGroups).map((g, i) =>
      parseRidGroup(g, `${path}.rid-group[${i}]`),
    ),
  };
  if (ssrc !== undefined) description.ssrc = ssrc;
  if (bandwidthEl) {
    const bwPath = `${path}.bandwidth`;
    description.bandwidth = {
      type: requiredString(bandwidthEl, 'type', bwPath, { max: 32 }),
      value: checkInteger(textOf(bandwidthEl, bwPath, 16).trim(), bwPath, 0, MAX_UINT32),
    };
  }
  return description;
}

function has(el: Element, name: string, ns: string): boolean {
  return elementChildren(el).some((c) => c.getName() === name && c.getNS() === ns);
}

function parsePayloadType(el: Element, path: string): PayloadType {
  const pt: PayloadType = {
    id: requiredInteger(el, 'id', path, 0, 127),
    parameters: children(el, 'parameter', NS.RTP, path, LIMITS.parametersPerPayloadType).map(
      (p, i) => parseFormatParameter(p, `${path}.parameter[${i}]`),
    ),
    rtcpFeedback: parseRtcpFeedback(el, path),
  };
  const name = optionalString(el, 'name', path, { max: 64 });
  const clockrate = optionalInteger(el, 'clockrate', path, 1, MAX_UINT32);
  const channels = optionalInteger(el, 'channels', path, 1, 255);
  const ptime = optionalInteger(el, 'ptime', path, 1, 100000);
  const maxptime = optionalInteger(el, 'maxptime', path, 1, 100000);
  if (name !== undefined) pt.name = name;
  if (clockrate !== undefined) pt.clockrate = clockrate;
  if (channels !== undefined) pt.channels = channels;
  if (ptime !== undefined) pt.ptime = ptime;
  if (maxptime !== undefined) pt.maxptime = maxptime;
  return pt;
}

function parseFormatParameter(el: Element, path: string): Parameter {
  const name = optionalString(el, 'name', path, { max: 128, empty: true }) ?? '';
  const value = optionalString(el, 'value', path, { max: LIMITS.mediumString, empty: true }) ?? '';
  if (!FMTP_PART.test(name)) fail(`${path}.@name`, "may not contain ';', '=' or spaces");
  if (!FMTP_VALUE.test(value)) fail(`${path}.@value`, "may not contain ';' or spaces");
  if (name === '' && value === '') fail(path, 'neither name nor value');
  return { name, value };
}

function parseRtcpFeedback(el: Element, path: string): RtcpFeedback[] {
  return children(el, 'rtcp-fb', NS.RTCP_FB, path, LIMITS.rtcpFeedbackPerPayloadType).map(
    (fb, i) => {
      const fbPath = `${path}.rtcp-fb[${i}]`;
      const feedback: RtcpFeedback = { type: requiredString(fb, 'type', fbPath, { max: 64 }) };
      const subtype = optionalString(fb, 'subtype', fbPath, { max: 64 });
      if (subtype !== undefined) feedback.subtype = subtype;
      return feedback;
    },
  );
}

function parseHeaderExtension(el: Element, path: string): HeaderExtension {
  const id = requiredInteger(el, 'id', path, 1, 4351);
  if (id > 255 && id < 4096) fail(`${path}.@id`, 'out of range 1..255 or 4096..4351');
  const ext: HeaderExtension = {
    id,
    uri: requiredString(el, 'uri', path, { max: LIMITS.mediumString }),
  };
  const senders = optionalEnum(el, 'senders', path, SENDERS);
  if (senders !== undefined) ext.senders = senders;
  return ext;
}

function parseSources(el: Element, path: string): { sources: Source[]; rids: string[] } {
  const sources: Source[] = [];
  const rids: string[] = [];
  children(el, 'source', NS.SSMA, path, LIMITS.sources + LIMITS.rids).forEach((s, i) => {
    const sPath = `${path}.source[${i}]`;
    const rid = optionalString(s, 'rid', sPath, { max: 64 });
    if (!hasAttribute(s, 'ssrc') && rid !== undefined) {
      rids.push(rid);
      return;
    }
    const source: Source = {
      ssrc: ssrcOf(s, sPath),
      parameters: children(s, 'parameter', NS.SSMA, sPath, LIMITS.parametersPerSource).map((p, j) =>
        parseSourceParameter(p, `${sPath}.parameter[${j}]`),
      ),
    };
    const info = child(s, 'ssrc-info', NS.JITMEET, sPath);
    const owner =
      info &&
      optionalString(info, 'owner', `${sPath}.ssrc-info`, {
        max: LIMITS.mediumString,
        spaces: true,
      });
    if (owner !== undefined) source.owner = owner;
    sources.push(source);
  });
  if (sources.length > LIMITS.sources)
    fail(`${path}.source`, `more than ${LIMITS.sources} sources`);
  if (rids.length > LIMITS.rids) fail(`${path}.source`, `more than ${LIMITS.rids} rids`);
  assertUnique(
    sources.map((s) => s.ssrc),
    `${path}.source`,
    'ssrc',
  );
  assertUnique(rids, `${path}.source`, 'rid');
  return { sources, rids };
}

function parseSourceParameter(el: Element, path: string): SourceParameter {
  const parameter: SourceParameter = { name: requiredString(el, 'name', path, { max: 128 }) };
  const value = optionalString(el, 'value', path, {
    max: LIMITS.mediumString,
    spaces: true,
    empty: true,
  });
  if (value !== undefined) parameter.value = value;
  return parameter;
}

function parseSsrcGroup(el: Element, path: string): SsrcGroup {
  const semantics = requiredString(el, 'semantics', path, { max: 32 });
  const ssrcs = children(el, 'source', NS.SSMA, path, LIMITS.ssrcsPerGroup).map((s, i) =>
    ssrcOf(s, `${path}.source[${i}]`),
  );
  if (ssrcs.length === 0) fail(path, 'no sources');
  return { semantics, ssrcs };
}

function parseRidGroup(el: Element, path: string): RidGroup {
  const semantics = requiredString(el, 'semantics', path, { max: 32 });
  const rids = children(el, 'source', NS.SSMA, path, LIMITS.rids).map((s, i) =>
    requiredString(s, 'rid', `${path}.source[${i}]`, { max: 64 }),
  );
  if (rids.length === 0) fail(path, 'no sources');
  return { semantics, rids };
}
