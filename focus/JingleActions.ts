/**
 * Answers the Jingle requests participants send the focus (XEP-0166 1.1.2
 * actions with XEP-0167 RTP, XEP-0176 ICE-UDP, XEP-0320 DTLS). Each handler
 * runs on the conference queue and returns the IQ result: DONE or a
 * StanzaError with the Jingle condition (out-of-order, unsupported-info…).
 */
import type { JingleContent, JinglePayload } from '../jingle';
import { DONE, type IqResult } from '../component/IqRouter';
import { StanzaError } from '../component/StanzaError';
import { fromJingleError, jingleCondition, unknownSession } from '../component/jingleErrors';
import { errorMessage } from '../common/errors';
import type { Conference } from './Conference';
import { Participant } from './Participant';
import {
  answerContent,
  focusTransport,
  peerCapabilities,
  peerDtls,
  producerParameters,
} from './media';

const outOfOrder = (text: string): StanzaError =>
  new StanzaError('unexpected-request', text, jingleCondition('out-of-order'));

export async function handleJingle(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  if (p.state === 'ended') return unknownSession('session ended');
  switch (payload.action) {
    case 'session-accept':
      return sessionAccept(conference, p, payload);
    case 'session-terminate':
      await conference.endSession(
        p,
        'success',
        payload.reason?.text ?? 'terminated by participant',
        {
          notify: false,
        },
      );
      return DONE;
    case 'session-info':
      return sessionInfo(conference, p, payload);
    case 'content-accept':
      return contentAccept(conference, p, payload);
    case 'content-reject':
      return contentReject(conference, p, payload);
    case 'content-add':
      return contentAdd(conference, p, payload);
    case 'content-remove':
      return contentRemove(conference, p, payload);
    case 'transport-info':
      return transportInfo(conference, p, payload);
    case 'session-initiate':
      return outOfOrder('the focus initiates sessions');
    default:
      return new StanzaError(
        'feature-not-implemented',
        `${payload.action} is not supported by the focus`,
      );
  }
}

/** The participant's answer: connect DTLS, publish its tracks, start its receive side. */
async function sessionAccept(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  if (p.state !== 'inviting') return outOfOrder('session already accepted');
  const dtls = peerDtls(payload.contents);
  if (!dtls.ok) return fromJingleError(dtls.error);
  const produced = await publish(
    conference,
    p,
    payload.contents.filter((c) => c.name === 'audio' || c.name === 'video'),
  );
  if (produced instanceof StanzaError) {
    await conference.endSession(p, 'failed-application', produced.text ?? produced.condition);
    return produced;
  }
  try {
    await p.endpoint.connect(dtls.value);
  } catch (error) {
    await conference.endSession(p, 'security-error', errorMessage(error));
    return new StanzaError('bad-request', `DTLS parameters refused: ${errorMessage(error)}`);
  }
  p.accept(
    peerCapabilities(payload.contents),
    payload.contents.find((c) => c.transport?.ufrag)?.transport?.ufrag,
  );
  p.markAccepted(payload.contents.map((c) => c.name));
  // Contents of the session-initiate left out of the answer pause (they start
  // running, see Forwarding.everyTrackFor).
  await Promise.all(
    [...p.received.values()].flatMap((t) => (t.accepted ? [] : t.consumer.pause().catch(() => {}))),
  );
  conference.accepted(p);
  p.log.info('session accepted', {
    sending: [...p.sent.keys()].join(',') || 'nothing',
    receiving: p.received.size,
  });

  // Tracks that appeared while this participant was being invited.
  for (const other of conference.participants.values()) {
    if (other === p || !other.active) continue;
    await conference.forwarding.offerTracks(p, other, [...other.sent.keys()]);
    for (const [name, track] of other.sent) {
      // Mutes of tracks offered in session-initiate (offerTracks covers the new ones).
      if (track.muted && p.received.get(Participant.receiveContentName(other.id, name))?.accepted) {
        conference.forwarding.sendMute(p, Participant.receiveContentName(other.id, name), true);
      }
    }
  }
  await conference.forwarding.distribute(p, [...p.sent.keys()]);
  await conference.forwarding.resumeAccepted(p);
  return DONE;
}

/** Produces every content of the participant that carries sources it sends. */
async function publish(
  conference: Conference,
  p: Participant,
  contents: JingleContent[],
): Promise<string[] | StanzaError> {
  const names: string[] = [];
  for (const content of contents) {
    const params = producerParameters(content, conference.capabilities);
    if (!params.ok) return fromJingleError(params.error);
    if (!params.value) continue; // receives only, or sends nothing yet
    if (p.sent.has(content.name))
      return new StanzaError('conflict', `content ${content.name} already sends`);
    try {
      const producer = await p.endpoint.produce({
        kind: params.value.kind,
        rtpParameters: params.value.rtpParameters,
        appData: { participantId: p.id, contentName: content.name },
      });
      p.addSent(content.name, producer);
      names.push(content.name);
    } catch (error) {
      return new StanzaError('bad-request', `content ${content.name}: ${errorMessage(error)}`);
    }
  }
  return names;
}

async function contentAccept(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  if (!p.active) return outOfOrder('content-accept before session-accept');
  const unknown = payload.contents.find((c) => !p.offered(c.name));
  if (unknown) return outOfOrder(`content ${unknown.name} was not offered`);
  p.markAccepted(payload.contents.map((c) => c.name));
  await conference.forwarding.resumeAccepted(
    p,
    payload.contents.map((c) => c.name),
  );
  return DONE;
}

async function contentReject(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  const unknown = payload.contents.find((c) => !p.offered(c.name));
  if (unknown) return outOfOrder(`content ${unknown.name} was not offered`);
  for (const c of payload.contents) p.removeReceived(c.name);
  p.log.info('contents rejected', { contents: payload.contents.map((c) => c.name).join(',') });
  return DONE;
}

/** The participant adds a track (screen share): produce it, answer, offer it to others. */
async function contentAdd(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  if (!p.active) return outOfOrder('content-add before session-accept');
  for (const c of payload.contents) {
    if (p.sent.has(c.name) || p.received.has(c.name) || c.name === 'audio' || c.name === 'video') {
      return new StanzaError('conflict', `content ${c.name} already exists`);
    }
    if (c.creator !== 'responder')
      return new StanzaError('bad-request', `content ${c.name} must be created by the responder`);
    // Others receive it as <participant-id>-<name>, an SDP mid of at most 16 characters.
    if (!/^[A-Za-z0-9_]{1,8}$/.test(c.name)) {
      return new StanzaError(
        'bad-request',
        `content name ${c.name} must be 1 to 8 letters, digits or _`,
      );
    }
  }
  const answers: JingleContent[] = [];
  for (const c of payload.contents) {
    const answer = answerContent(c, conference.capabilities, focusTransport(p.endpoint));
    if (!answer.ok) return fromJingleError(answer.error);
    answers.push(answer.value);
  }
  const produced = await publish(conference, p, payload.contents);
  if (produced instanceof StanzaError) return produced;
  conference.sendJingle(p, { action: 'content-accept', sid: p.sid, contents: answers });
  await conference.forwarding.distribute(p, produced);
  return DONE;
}

async function contentRemove(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  const own = payload.contents.filter((c) => p.sent.has(c.name)).map((c) => c.name);
  const received = payload.contents.filter((c) => p.received.has(c.name)).map((c) => c.name);
  if (own.length + received.length !== payload.contents.length) {
    return new StanzaError('item-not-found', 'content-remove names a content that does not exist');
  }
  conference.forwarding.stopSent(p, own);
  for (const name of received) p.removeReceived(name);
  return DONE;
}

/**
 * Trickled candidates need nothing (the SFU is ICE-lite). New credentials are
 * an ICE restart: the participant's own (answered with ours), or its answer to
 * a restart the focus started.
 */
async function transportInfo(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  const ufrag = payload.contents.find((c) => c.transport?.ufrag)?.transport?.ufrag;
  if (ufrag && p.remoteIce(ufrag) === 'restart') await conference.restartIce(p, true);
  return DONE;
}

/** XEP-0167 informational messages: mute and unmute are relayed to everyone. */
async function sessionInfo(
  conference: Conference,
  p: Participant,
  payload: JinglePayload,
): Promise<IqResult> {
  const info = payload.info;
  if (!info) return DONE; // a session ping
  if (info.type !== 'mute' && info.type !== 'unmute') return DONE; // active, hold, ringing: nothing to do
  const names = info.name ? [info.name] : [...p.sent.keys()];
  const muted = info.type === 'mute';
  for (const name of names) {
    if (!p.setMuted(name, muted)) {
      if (info.name)
        return new StanzaError(
          'item-not-found',
          `no content ${name}`,
          jingleCondition('unsupported-info'),
        );
      continue;
    }
    const received = Participant.receiveContentName(p.id, name);
    for (const receiver of conference.participants.values()) {
      if (receiver !== p && receiver.active && receiver.received.has(received))
        conference.forwarding.sendMute(receiver, received, muted);
    }
  }
  return DONE;
}
