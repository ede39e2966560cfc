/**
 * A conference with a fake SFU and a recording XMPP link, for unit tests of
 * the conference state machine: the room, the focus's join, occupants'
 * presence, and participants that answer the focus's offers.
 */
import xml, { type Element } from '@xmpp/xml';
import { parseJingle, type JingleContent, type JinglePayload } from '../../jingle';
import { StanzaError } from '../../component/StanzaError';
import { DONE } from '../../component/IqRouter';
import { ConfigReader } from '../../common/config';
import { Conference } from '../../focus/Conference';
import { MucRoom } from '../../focus/MucRoom';
import { Signaling } from '../../focus/Signaling';
import { readFocusConfig } from '../../focus/config';
import type { Participant } from '../../focus/Participant';
import { FakeSfu } from './fakeSfu';

export const ROOM = 'team@conference.example.org';
export const FOCUS = 'focus@focus.example.org/focus';

export interface Sent {
  to: string;
  payload: JinglePayload;
}

/** An occupant's room presence, as the focus (an owner) sees it. */
export function mucPresence(
  nick: string,
  jid: string,
  options: { type?: string; newNick?: string; codes?: string[] } = {},
): Element {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}`, type: options.type },
    xml(
      'x',
      { xmlns: 'http://jabber.org/protocol/muc#user' },
      xml('item', { jid, role: 'participant', affiliation: 'none', nick: options.newNick }),
      ...(options.codes ?? []).map((code) => xml('status', { code })),
    ),
  );
}

const open: Conference[] = [];

/** Closes the conferences the tests made (their timers would outlive the test). */
export async function closeConferences(): Promise<void> {
  await Promise.all(open.splice(0).map((c) => c.close('test over')));
}

export function setupConference(options: { roomExists?: boolean } = {}) {
  const sent: Sent[] = [];
  const stanzas: Element[] = [];
  const component = {
    async request(iq: Element): Promise<Element> {
      if (iq.getChild('query')) {
        if (options.roomExists === false) throw new StanzaError('item-not-found');
        return xml('iq', { type: 'result' });
      }
      const jingle = iq.getChild('jingle');
      const parsed = jingle && parseJingle(jingle);
      if (!parsed?.ok) throw new Error('focus sent bad Jingle');
      sent.push({ to: iq.attrs.to ?? '', payload: parsed.value });
      return xml('iq', { type: 'result' });
    },
    async send(stanza: Element): Promise<void> {
      stanzas.push(stanza);
    },
  };
  const sfu = new FakeSfu();
  const muc = new MucRoom(ROOM, FOCUS, 'focus', component);
  const config = readFocusConfig(new ConfigReader({ 'focus.occupant-wait': 0 }));
  const conference = new Conference(ROOM, {
    sfu,
    muc,
    signaling: new Signaling(component, FOCUS, 1000),
    config,
  });
  open.push(conference);
  let closed = false;
  conference.on('closed', () => (closed = true));
  const presence = (nick: string, jid: string, type?: string): void =>
    conference.roomStanza(mucPresence(nick, jid, { type }));
  /** The room answers the focus's join (as Prosody does after the join presence). */
  const focusJoined = (): void =>
    conference.roomStanza(
      xml(
        'presence',
        { from: `${ROOM}/focus` },
        xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('status', { code: '110' })),
      ),
    );
  const joining = conference.start(true);
  focusJoined();
  return {
    sent,
    stanzas,
    sfu,
    muc,
    conference,
    presence,
    focusJoined,
    joining,
    isClosed: () => closed,
  };
}

export type World = ReturnType<typeof setupConference>;

export const flush = async (conference: Conference): Promise<void> => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    await conference.settled();
  }
};

export async function join(
  t: World,
  nick: string,
  ssrcBase: number,
): Promise<{ jid: string; p: Participant }> {
  const jid = `${nick}@guest.example.org/web`;
  t.presence(nick, jid);
  expect(await t.conference.request(jid)).toBeNull();
  await flush(t.conference);
  const initiate = lastTo(t.sent, jid, 'session-initiate');
  const p = t.conference.participantBySid(initiate.sid);
  if (!p) throw new Error('no participant');
  expect(await t.conference.jingle(p, answer(initiate, ssrcBase))).toBe(DONE);
  await flush(t.conference);
  return { jid, p };
}

export function lastTo(sent: Sent[], jid: string, action: string): JinglePayload {
  const found = [...sent].reverse().find((s) => s.to === jid && s.payload.action === action);
  if (!found)
    throw new Error(
      `no ${action} to ${jid}: ${sent.map((s) => `${s.to}:${s.payload.action}`).join(', ')}`,
    );
  return found.payload;
}

/** A participant's answer to the focus's offer: sources on audio/video, receive-only elsewhere. */
export function answer(
  initiate: JinglePayload,
  ssrcBase: number,
  action: 'session-accept' | 'content-accept' = 'session-accept',
): JinglePayload {
  const contents: JingleContent[] = initiate.contents.map((c, i) => {
    const own = c.name === 'audio' || c.name === 'video';
    const d = c.description;
    if (!d) throw new Error('content without description');
    const video = d.media === 'video';
    const ssrc = ssrcBase + i * 2;
    return {
      name: c.name,
      creator: 'initiator',
      senders: c.senders,
      description: {
        ...d,
        payloadTypes: d.payloadTypes.slice(0, video ? 2 : 1),
        sources: own
          ? [
              { ssrc, parameters: [{ name: 'cname', value: `c${ssrcBase}` }] },
              ...(video ? [{ ssrc: ssrc + 1, parameters: [] }] : []),
            ]
          : [],
        ssrcGroups: own && video ? [{ semantics: 'FID', ssrcs: [ssrc, ssrc + 1] }] : [],
      },
      transport: {
        ufrag: `u${ssrcBase}`,
        pwd: 'p'.repeat(22),
        candidates: [],
        gatheringComplete: false,
        fingerprints: [
          {
            hash: 'sha-256',
            value: Array.from({ length: 32 }, () => 'BB').join(':'),
            setup: 'active',
          },
        ],
      },
    };
  });
  return { action, sid: initiate.sid, contents, groups: [] };
}
