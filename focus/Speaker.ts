/**
 * Tells the room who the dominant speaker is (docs/protocol.md §9), when it
 * changes: a groupchat message from the focus's occupant, which clients
 * trust because no other occupant can send from that nick.
 */
import { speakerAnnouncement } from '../client/focusProtocol';
import type { MucRoom } from './MucRoom';
import type { Participant } from './Participant';
import type { Signaling } from './Signaling';

export class Speaker {
  #nick: string | null = null;

  constructor(
    private readonly muc: MucRoom,
    private readonly signaling: Signaling,
  ) {}

  /** The SFU heard `producerId` loudest: announce its sender if it is a new speaker. */
  async heard(producerId: string, participants: Iterable<Participant>): Promise<void> {
    for (const p of participants) {
      if (![...p.sent.values()].some((track) => track.producer.id === producerId)) continue;
      if (this.#nick === p.nick) return;
      this.#nick = p.nick;
      this.signaling.countSent();
      await this.muc.sendGroupchat(...speakerAnnouncement(p.nick)).catch(() => {});
      return;
    }
  }
}
