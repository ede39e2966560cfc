/**
 * Confab's focus protocol besides Jingle itself (docs/protocol.md): the
 * conference request and its answer (§1), tile owners from `ssrc-info` (§2),
 * receive constraints (§8), dominant-speaker announcements (§9), and who may
 * send what (only the focus). Pure: the focus, the web client and the bots
 * all build and read these stanzas here.
 */
import xml, { type Element } from '@xmpp/xml';
import { err, NS, ok, type Result } from '../jingle';

export const NS_FOCUS = 'http://jitsi.org/protocol/focus';
export const NS_RECEIVE = 'urn:confab:receive:0';
export const NS_SPEAKER = 'urn:confab:speaker:0';
const NS_HINTS = 'urn:xmpp:hints';
const NS_JITMEET = 'http://jitsi.org/jitmeet';

/** At most this many contents in one receive-constraints request. */
export const MAX_CONSTRAINTS = 256;

// --- the conference request (§1) ------------------------------------------------------------

export function conferenceRequest(room: string): Element {
  return xml('conference', { xmlns: NS_FOCUS, room });
}

export interface ConferenceReady {
  /** The focus's own bare JID. */
  focusJid: string;
  /** The focus's nick in the room: its announcements come from this occupant. */
  focusNick: string;
}

/** The focus's answer to a conference request. */
export function conferenceReady(room: string, ready: ConferenceReady): Element {
  return xml(
    'conference',
    { xmlns: NS_FOCUS, ready: 'true', room, focusjid: ready.focusJid },
    // Lets clients tell the focus apart from people in the room.
    xml('property', { name: 'focusNick', value: ready.focusNick }),
  );
}

/** Reads the answer (the IQ result) to a conference request; throws if it is not ready. */
export function parseConferenceResult(result: Element, fallbackNick: string): ConferenceReady {
  const conference = result.is('conference', NS_FOCUS)
    ? result
    : result.getChild('conference', NS_FOCUS);
  if (!conference || conference.attrs.ready !== 'true')
    throw new Error('The conference is not ready.');
  const nick = conference.getChildren('property').find((p) => p.attrs.name === 'focusNick')
    ?.attrs.value;
  return { focusJid: conference.attrs.focusjid ?? '', focusNick: nick ?? fallbackNick };
}

/** Whether `jid` is the focus component or an entity on it (e.g. focus@focus.example.org/focus). */
export function isFocusJid(jid: string, focusDomain: string): boolean {
  const bare = jid.split('/')[0] ?? '';
  return bare.slice(bare.indexOf('@') + 1).toLowerCase() === focusDomain.toLowerCase();
}

// --- tile owners (§2) -----------------------------------------------------------------------

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

/**
 * The video codecs the focus forwards (VP8, constrained-baseline H.264, their
 * RTX), so its answer to a content-add stays small and exact. Empty (keep
 * the browser's defaults) when there is no VP8.
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

// --- receive constraints (§8) ---------------------------------------------------------------

/** The best simulcast layer wanted for one video content. */
export interface LayerConstraint {
  content: string;
  maxSpatialLayer: number;
  maxTemporalLayer?: number;
}

export interface ReceiveConstraints {
  sid: string;
  constraints: LayerConstraint[];
}

export function receiveConstraints(sid: string, constraints: readonly LayerConstraint[]): Element {
  return xml(
    'constraints',
    { xmlns: NS_RECEIVE, sid },
    constraints.map((c) =>
      xml('content', {
        name: c.content,
        'max-spatial-layer': c.maxSpatialLayer,
        'max-temporal-layer': c.maxTemporalLayer,
      }),
    ),
  );
}

function layer(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  return /^\d{1,2}$/.test(value) ? Number(value) : null;
}

/** Reads a receive-constraints request; the error text names the bad field. */
export function parseReceiveConstraints(payload: Element): Result<ReceiveConstraints, string> {
  const sid = payload.attrs.sid;
  if (!sid) return err('missing sid');
  const items = payload.getChildren('content');
  if (items.length > MAX_CONSTRAINTS) return err(`at most ${MAX_CONSTRAINTS} contents`);
  const constraints: LayerConstraint[] = [];
  for (const item of items) {
    const name = item.attrs.name;
    if (!name) return err('content without name');
    const spatial = layer(item.attrs['max-spatial-layer']);
    const temporal = layer(item.attrs['max-temporal-layer']);
    if (spatial === undefined) return err(`content ${name} lacks max-spatial-layer`);
    if (spatial === null) return err('max-spatial-layer must be a small non-negative integer');
    if (temporal === null) return err('max-temporal-layer must be a small non-negative integer');
    constraints.push({ content: name, maxSpatialLayer: spatial, maxTemporalLayer: temporal });
  }
  return ok({ sid, constraints });
}

// --- dominant speaker (§9) ------------------------------------------------------------------

/** The children of the focus's groupchat message announcing the dominant speaker. */
export function speakerAnnouncement(nick: string): Element[] {
  return [
    xml('dominant-speaker', { xmlns: NS_SPEAKER, nick }),
    xml('no-store', { xmlns: NS_HINTS }),
  ];
}

/**
 * The speaker a groupchat message announces: the nick, or undefined when the
 * message is no announcement. It counts only from the focus's occupant
 * (`<room>/<focusNick>`, the nick the focus gave in its conference answer):
 * a nick is unique in a room, so no other occupant can send from it. An
 * announcement from anyone else is `null`: not a speaker, and not a chat
 * message either.
 */
export function announcedSpeaker(
  message: Element,
  room: string,
  focusNick: string | undefined,
): string | null | undefined {
  const speaker = message.getChild('dominant-speaker', NS_SPEAKER);
  if (!speaker) return undefined;
  const from = message.attrs.from ?? '';
  const slash = from.indexOf('/');
  const fromFocus =
    focusNick !== undefined &&
    slash > 0 &&
    from.slice(0, slash).toLowerCase() === room.toLowerCase() &&
    from.slice(slash + 1) === focusNick;
  return fromFocus && speaker.attrs.nick ? speaker.attrs.nick : null;
}
