/**
 * Who receives which track in a conference: consumers on receive-only
 * contents, content-add when someone starts sending, content-remove when a
 * track ends, mute relays, and resuming once a receiver is connected. The
 * Conference owns the participants; this class only moves tracks.
 */
import type { IceUdpTransport, JingleContent, JinglePayload } from '../jingle';
import { errorMessage } from '../common/errors';
import { focusTransport, receiveContent } from './media';
import { Participant, type ReceivedTrack } from './Participant';

/** What forwarding needs from its conference. */
export interface ForwardingHost {
  readonly participants: ReadonlyMap<string, Participant>;
  /** What the SFU's routers send and receive. */
  readonly capabilities: NonNullable<Participant['rtpCapabilities']>;
  /** Fire-and-forget Jingle IQ to a participant. */
  sendJingle(
    p: Participant,
    payload: Omit<JinglePayload, 'groups'> & { groups?: JinglePayload['groups'] },
  ): void;
  /** Runs a step on the conference's queue. */
  enqueue(task: () => Promise<void> | void): void;
}

export class Forwarding {
  constructor(private readonly host: ForwardingHost) {}

  /** Creates a paused consumer of `owner`'s track for `receiver`, as a receive-only content. */
  async consumeInto(
    receiver: Participant,
    owner: Participant,
    ownerContent: string,
    producerId: string,
    capabilities: NonNullable<Participant['rtpCapabilities']>,
    paused = true,
  ): Promise<ReceivedTrack | null> {
    const name = Participant.receiveContentName(owner.id, ownerContent);
    if (receiver.received.has(name) || receiver.state === 'ended') return null;
    let consumer;
    try {
      consumer = await receiver.endpoint.consume(producerId, capabilities, name, paused);
    } catch (error) {
      receiver.log.warn('cannot consume', {
        from: owner.nick,
        content: ownerContent,
        error: errorMessage(error),
      });
      return null;
    }
    if (!consumer) return null;
    // Microphone and camera share the sender's stream (lip sync); other tracks get their own.
    const streamId =
      ownerContent === 'audio' || ownerContent === 'video'
        ? owner.id
        : `${owner.id}-${ownerContent}`;
    const content = receiveContent(consumer, streamId, owner.occupant.occupantJid);
    const track = receiver.addReceived({ contentName: name, consumer, ownerId: owner.id, content });
    consumer.on('producerclose', () =>
      this.host.enqueue(() => {
        if (receiver.received.has(name)) this.removeReceived(receiver, [name]);
      }),
    );
    return track;
  }

  /** Receive-only contents for every track already sent in the room (a newcomer's offer). */
  async everyTrackFor(newcomer: Participant, transport: IceUdpTransport): Promise<JingleContent[]> {
    const caps = this.host.capabilities;
    // In parallel, and running: the newcomer's media starts, with key frames
    // (mediasoup asks for them when the transport connects), the moment its
    // DTLS connects, not after its session-accept was fanned out to the room.
    const others = [...this.host.participants.values()].filter((o) => o !== newcomer && o.active);
    const received = await Promise.all(
      others.flatMap((other) =>
        [...other.sent.values()].map((track) =>
          this.consumeInto(newcomer, other, track.contentName, track.producer.id, caps, false),
        ),
      ),
    );
    return received.flatMap((track) => (track ? [{ ...track.content, transport }] : []));
  }

  /**
   * Resumes the accepted consumers of a connected participant (all, or the
   * named contents), in parallel; mediasoup asks for a key frame on resume.
   */
  async resumeAccepted(participant: Participant, names?: readonly string[]): Promise<void> {
    if (!participant.active || !participant.endpoint.connected) return;
    const tracks = names
      ? names.flatMap((name) => participant.received.get(name) ?? [])
      : [...participant.received.values()];
    const waiting = tracks.filter((track) => track.accepted && track.consumer.paused);
    await Promise.all(waiting.map((track) => track.consumer.resume().catch(() => {})));
  }

  /** Offers `owner`'s new tracks to every other active participant, one content-add each. */
  async distribute(owner: Participant, contentNames: string[]): Promise<void> {
    // The receivers' consumers in parallel: a join does not wait for one worker round trip per occupant.
    const receivers = [...this.host.participants.values()].filter(
      (r) => r !== owner && r.active && r.rtpCapabilities,
    );
    await Promise.all(receivers.map((r) => this.offerTracks(r, owner, contentNames)));
  }

  /** Sends `receiver` a content-add for the given tracks of `owner` it does not have yet. */
  async offerTracks(
    receiver: Participant,
    owner: Participant,
    contentNames: string[],
  ): Promise<void> {
    const caps = receiver.rtpCapabilities;
    if (!caps) return;
    const transport = focusTransport(receiver.endpoint);
    const contents: JingleContent[] = [];
    for (const name of contentNames) {
      const track = owner.sent.get(name);
      if (!track) continue;
      const received = await this.consumeInto(receiver, owner, name, track.producer.id, caps);
      if (received) contents.push({ ...received.content, transport });
    }
    if (!contents.length) return;
    this.host.sendJingle(receiver, { action: 'content-add', sid: receiver.sid, contents });
    for (const name of contentNames) {
      if (owner.sent.get(name)?.muted)
        this.sendMute(receiver, Participant.receiveContentName(owner.id, name), true);
    }
  }

  sendMute(receiver: Participant, contentName: string, muted: boolean): void {
    this.host.sendJingle(receiver, {
      action: 'session-info',
      sid: receiver.sid,
      contents: [],
      info: { type: muted ? 'mute' : 'unmute', creator: 'initiator', name: contentName },
    });
  }

  /** Removes tracks a participant receives and tells it with one content-remove. */
  removeReceived(receiver: Participant, names: string[]): void {
    const removed: JingleContent[] = [];
    for (const name of names) {
      if (receiver.removeReceived(name)) removed.push({ name, creator: 'initiator' });
    }
    if (removed.length && receiver.state !== 'ended') {
      this.host.sendJingle(receiver, {
        action: 'content-remove',
        sid: receiver.sid,
        contents: removed,
      });
    }
  }

  /** Stops tracks `owner` sends and removes them from everyone (one content-remove each). */
  stopSent(owner: Participant, contentNames: string[]): void {
    const receiveNames: string[] = [];
    for (const name of contentNames) {
      if (owner.stopSent(name)) receiveNames.push(Participant.receiveContentName(owner.id, name));
    }
    if (!receiveNames.length) return;
    for (const receiver of this.host.participants.values()) {
      if (receiver !== owner) this.removeReceived(receiver, receiveNames);
    }
  }
}
