/**
 * The conference focus at focus.<domain>: answers conference requests,
 * routes Jingle IQs to the conference that owns the session, routes room
 * presence and messages to the conferences' MUC rooms, and keeps the counts.
 */
import type { Element } from '@xmpp/xml';
import { NS, parseJingle } from '../jingle';
import type { ComponentConnection } from '../component/ComponentConnection';
import { DONE, type IqRequest, type IqResult } from '../component/IqRouter';
import { StanzaError } from '../component/StanzaError';
import { parseJid, bareJid } from '../component/jid';
import { createLogger } from '../common/logger';
import { errorMessage } from '../common/errors';
import type { FocusConfig } from './config';
import { Conference } from './Conference';
import {
  conferenceReady,
  NS_FOCUS,
  validateConferenceRequest,
  type RequestPolicy,
} from './ConferenceRequest';
import { handleJingle } from './JingleActions';
import { fromJingleError, unknownSession } from '../component/jingleErrors';
import { MucRoom } from './MucRoom';
import { applyReceiveConstraints, NS_RECEIVE } from './ReceiveConstraints';
import { Signaling } from './Signaling';
import type { Sfu, SfuCounts } from './sfu/Sfu';

const log = createLogger('focus');

export interface FocusOptions {
  /** The user domain, e.g. example.org. */
  domain: string;
  /** Extra domains whose users count as local (the guest host). */
  localDomains: string[];
  mucDomain: string;
  config: FocusConfig;
}

export interface FocusCounts extends SfuCounts {
  conferences: number;
  participants: number;
  /** Stanzas the focus has sent since start. */
  stanzasSent: number;
}

export class Focus {
  readonly conferences = new Map<string, Conference>();
  readonly signaling: Signaling;
  private readonly policy: RequestPolicy;
  private readonly bareJid: string;
  private closed = false;

  constructor(
    private readonly component: ComponentConnection,
    private readonly sfu: Sfu,
    private readonly options: FocusOptions,
  ) {
    const focusDomain = component.options.domain;
    this.bareJid = `focus@${focusDomain}`;
    this.signaling = new Signaling(
      component,
      `${this.bareJid}/focus`,
      options.config.requestTimeoutMs,
    );
    this.policy = {
      mucDomain: options.mucDomain,
      localDomains: new Set(
        [options.domain, ...options.localDomains, focusDomain].map((d) => d.toLowerCase()),
      ),
      remoteDomains: options.config.remoteDomains,
    };
    component.disco.addFeature(NS_FOCUS);
    component.disco.addFeature(NS.JINGLE);
    component.disco.addFeature(NS.RTP);
    component.disco.addFeature('urn:xmpp:jingle:apps:rtp:audio');
    component.disco.addFeature('urn:xmpp:jingle:apps:rtp:video');
    component.disco.addFeature(NS.ICE_UDP);
    component.disco.addFeature(NS.DTLS);
    component.disco.addFeature(NS.GROUPING);
    component.disco.addFeature(NS.SSMA);
    component.disco.addFeature(NS.RTCP_FB);
    component.disco.addFeature(NS.RTP_HDREXT);
    component.disco.addFeature(NS_RECEIVE);
    component.router.set(NS_FOCUS, 'conference', (r) => this.conferenceRequest(r));
    component.router.set(NS.JINGLE, 'jingle', (r) => this.jingle(r));
    component.router.set(NS_RECEIVE, 'constraints', (r) => this.receiveConstraints(r));
    component.on('stanza', (stanza) => this.routeRoomStanza(stanza));
  }

  private async conferenceRequest({ payload, from }: IqRequest): Promise<IqResult> {
    if (this.closed) return new StanzaError('service-unavailable', 'the focus is shutting down');
    const request = validateConferenceRequest(payload, from.toString(), this.policy);
    if (request instanceof StanzaError) {
      log.info('conference request refused', {
        from: from.toString(),
        room: payload.attrs.room,
        reason: request.text,
      });
      return request;
    }
    let conference = this.conferences.get(request.room);
    if (!conference || conference.closed) {
      try {
        conference = await this.openConference(request.room);
      } catch (error) {
        log.error('cannot open conference', { room: request.room, error: errorMessage(error) });
        return error instanceof StanzaError
          ? error
          : new StanzaError('internal-server-error', 'cannot start the conference');
      }
    }
    try {
      const refusal = await conference.request(request.requester);
      if (refusal) return refusal;
    } catch {
      return new StanzaError('item-not-found', 'the conference has ended; request it again');
    }
    return conferenceReady(request.room, this.bareJid, conference.deps.muc.nick);
  }

  private async openConference(room: string): Promise<Conference> {
    const muc = new MucRoom(
      room,
      this.signaling.focusJid,
      this.options.config.nick,
      this.component,
    );
    const conference = new Conference(room, {
      sfu: this.sfu,
      muc,
      signaling: this.signaling,
      config: this.options.config,
      onClosed: (c) => {
        if (this.conferences.get(room) === c) this.conferences.delete(room);
      },
    });
    this.conferences.set(room, conference);
    try {
      await muc.join(this.options.config.requestTimeoutMs);
    } catch (error) {
      await conference.close('cannot join the room');
      if (error instanceof StanzaError) {
        const text = `the focus cannot join ${room}: ${error.condition}${error.text ? ` (${error.text})` : ''}`;
        throw new StanzaError(
          error.condition === 'item-not-found' ? 'item-not-found' : 'not-allowed',
          text,
        );
      }
      throw error;
    }
    return conference;
  }

  private async jingle({ payload, from }: IqRequest): Promise<IqResult> {
    const parsed = parseJingle(payload);
    if (!parsed.ok) {
      const sid = payload.attrs.sid;
      const known = sid ? this.findSession(sid, from.toString()) : undefined;
      if (!known) return unknownSession();
      return fromJingleError(parsed.error);
    }
    const found = this.findSession(parsed.value.sid, from.toString());
    if (!found) return unknownSession();
    const [conference, participant] = found;
    try {
      return await conference.queue.push(() => handleJingle(conference, participant, parsed.value));
    } catch {
      return unknownSession('the conference has ended');
    }
  }

  private async receiveConstraints({ payload, from }: IqRequest): Promise<IqResult> {
    const sid = payload.attrs.sid;
    const found = sid ? this.findSession(sid, from.toString()) : undefined;
    if (!found) return unknownSession();
    const [conference, participant] = found;
    return conference.queue
      .push(() => applyReceiveConstraints(participant, payload))
      .catch(() => DONE);
  }

  /** The conference and participant of a session, only for the JID that owns it. */
  private findSession(
    sid: string,
    from: string,
  ): [Conference, NonNullable<ReturnType<Conference['participantBySid']>>] | undefined {
    for (const conference of this.conferences.values()) {
      const participant = conference.participantBySid(sid);
      if (participant) return participant.jid === from ? [conference, participant] : undefined;
    }
    return undefined;
  }

  private routeRoomStanza(stanza: Element): void {
    const from = parseJid(stanza.attrs.from ?? '');
    if (!from || from.domain !== this.options.mucDomain) return;
    const conference = this.conferences.get(bareJid(from).toLowerCase());
    conference?.deps.muc.handle(stanza);
  }

  counts(): FocusCounts {
    let participants = 0;
    for (const c of this.conferences.values()) participants += c.counts().participants;
    return {
      ...this.sfu.counts(),
      conferences: this.conferences.size,
      participants,
      stanzasSent: this.signaling.sentStanzas,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.conferences.values()].map((c) => c.close('focus stopping')));
  }
}
