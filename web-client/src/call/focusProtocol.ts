/**
 * The stanzas the page exchanges with the focus besides Jingle itself
 * (docs/protocol.md): the conference request (§1), receive constraints
 * (§8), tile owners from `ssrc-info` (§2), Jingle error replies (§10), and
 * the codecs the focus forwards (for our screen shares, §4).
 */
import xml, { type Element } from '@xmpp/xml';
import { NS, type JingleError } from '../../../jingle';

export const NS_FOCUS = 'http://jitsi.org/protocol/focus';
export const NS_RECEIVE = 'urn:confab:receive:0';
const NS_JITMEET = 'http://jitsi.org/jitmeet';

export interface ConferenceReady {
  focusJid: string;
  /** The focus's nick in the room, left out of participant lists. */
  focusNick: string;
}

export function conferenceRequest(room: string): Element {
  return xml('conference', { xmlns: NS_FOCUS, room });
}

export function parseConferenceResult(result: Element, fallbackNick: string): ConferenceReady {
  const conference = result.getChild('conference', NS_FOCUS);
  if (!conference || conference.attrs.ready !== 'true')
    throw new Error('The conference is not ready.');
  const nick = conference.getChildren('property').find((p) => p.attrs.name === 'focusNick')
    ?.attrs.value;
  return { focusJid: conference.attrs.focusjid ?? '', focusNick: nick ?? fallbackNick };
}

/** One entry of a receive-constraints request: the best layer wanted for a video content. */
export interface LayerConstraint {
  content: string;
  maxSpatialLayer: number;
}

export function receiveConstraints(sid: string, constraints: readonly LayerConstraint[]): Element {
  return xml(
    'constraints',
    { xmlns: NS_RECEIVE, sid },
    constraints.map((c) =>
      xml('content', { name: c.content, 'max-spatial-layer': c.maxSpatialLayer }),
    ),
  );
}

/**
 * The occupant JID that owns each content of a Jingle element, from the
 * `<ssrc-info owner=…/>` of its sources (Jitsi's convention, which the focus
 * follows so clients can name tiles).
 */
export function contentOwners(jingle: Element): Map<string, string> {
  const owners = new Map<string, string>();
  for (const content of jingle.getChildren('content', NS.JINGLE)) {
    const name = content.attrs.name;
    const description = content.getChild('description', NS.RTP);
    if (!name || !description) continue;
    for (const source of description.getChildren('source', NS.SSMA)) {
      const owner = source.getChild('ssrc-info', NS_JITMEET)?.attrs.owner;
      if (owner) {
        owners.set(name, owner);
        break;
      }
    }
  }
  return owners;
}

const ERROR_TYPES: Record<JingleError['condition'], string> = {
  'bad-request': 'modify',
  'feature-not-implemented': 'cancel',
  'unexpected-request': 'wait',
  'item-not-found': 'cancel',
};

/** The `<error/>` answer to a Jingle IQ that the session refused. */
export function jingleErrorElement(error: JingleError): Element {
  return xml(
    'error',
    { type: ERROR_TYPES[error.condition] },
    xml(error.condition, { xmlns: NS.STANZAS }),
    xml('text', { xmlns: NS.STANZAS }, error.message),
    error.jingleCondition ? xml(error.jingleCondition, { xmlns: NS.JINGLE_ERRORS }) : undefined,
  );
}

export function stanzaError(
  type: 'cancel' | 'modify' | 'auth' | 'wait',
  condition: string,
  text: string,
  jingleCondition?: string,
): Element {
  return xml(
    'error',
    { type },
    xml(condition, { xmlns: NS.STANZAS }),
    xml('text', { xmlns: NS.STANZAS }, text),
    jingleCondition ? xml(jingleCondition, { xmlns: NS.JINGLE_ERRORS }) : undefined,
  );
}

/**
 * The video codecs the focus forwards (VP8, constrained-baseline H.264, their
 * RTX), so its answer to our content-add stays small and exact. Empty (keep
 * the browser's defaults) when the browser has no VP8.
 */
export function forwardedVideoCodecs(available: RTCRtpCodec[]): RTCRtpCodec[] {
  const wanted = available.filter((c) => {
    const mime = c.mimeType.toLowerCase();
    if (mime === 'video/vp8' || mime === 'video/rtx') return true;
    const fmtp = c.sdpFmtpLine ?? '';
    return (
      mime === 'video/h264' &&
      fmtp.includes('packetization-mode=1') &&
      fmtp.includes('profile-level-id=42e01f')
    );
  });
  return wanted.some((c) => c.mimeType.toLowerCase() === 'video/vp8') ? wanted : [];
}
