/**
 * How a 1:1 call ended, in words for the person: who hung up, declined, was
 * busy, did not answer, could not be reached, or why it failed.
 */
import type { JingleReason } from '../../../jingle';

export interface EndFacts {
  direction: 'outgoing' | 'incoming';
  reason: JingleReason;
  /** We ended it (hang-up, cancel, decline). */
  locally: boolean;
  /** Media had connected at some point. */
  connected: boolean;
  /** How long the call was connected. */
  durationMs: number;
}

export interface EndText {
  title: string;
  detail: string;
  /** A short word for tests and styling: ended, declined, busy, missed, unanswered, unreachable, failed. */
  kind: string;
}

export function describeEnd(peer: string, f: EndFacts): EndText {
  const duration = f.connected ? ` after ${formatDuration(f.durationMs)}` : '';
  switch (f.reason.condition) {
    case 'success':
      if (!f.connected && f.direction === 'outgoing' && f.locally)
        return { kind: 'ended', title: 'Call cancelled', detail: `You stopped calling ${peer}.` };
      return {
        kind: 'ended',
        title: 'Call ended',
        detail: f.locally ? `You hung up${duration}.` : `${peer} hung up${duration}.`,
      };
    case 'decline':
      return f.locally
        ? {
            kind: 'declined',
            title: 'Call declined',
            detail: `You declined the call from ${peer}.`,
          }
        : { kind: 'declined', title: 'Call declined', detail: `${peer} declined your call.` };
    case 'busy':
      return f.locally
        ? { kind: 'busy', title: 'Missed call', detail: `${peer} called while you were busy.` }
        : {
            kind: 'busy',
            title: `${peer} is busy`,
            detail: 'They are in another call. Try again later.',
          };
    case 'cancel':
      if (f.direction === 'outgoing')
        return { kind: 'ended', title: 'Call cancelled', detail: `You stopped calling ${peer}.` };
      if (f.reason.text === 'answered on another device')
        return {
          kind: 'ended',
          title: 'Answered elsewhere',
          detail: 'You took this call on another device.',
        };
      return {
        kind: 'missed',
        title: 'Missed call',
        detail: `${peer} hung up before you answered.`,
      };
    case 'timeout':
      return f.direction === 'outgoing'
        ? { kind: 'unanswered', title: 'No answer', detail: `${peer} did not answer.` }
        : { kind: 'missed', title: 'Missed call', detail: `You did not answer ${peer}.` };
    case 'gone':
      return {
        kind: 'unreachable',
        title: `${peer} cannot be reached`,
        detail:
          f.reason.text === 'service-unavailable' || f.reason.text === 'item-not-found'
            ? 'There is no such user on that server.'
            : `Their server could not be reached${f.reason.text ? ` (${f.reason.text})` : ''}.`,
      };
    case 'failed-transport':
    case 'connectivity-error':
      return {
        kind: 'failed',
        title: 'Call failed',
        detail: f.connected
          ? `The connection to ${peer} was lost${duration}.`
          : `No media connection to ${peer} could be made. A firewall may be blocking it.`,
      };
    default:
      return {
        kind: 'failed',
        title: 'Call ended',
        detail: `The call ended with an error (${f.reason.condition}${f.reason.text ? `: ${f.reason.text}` : ''}).`,
      };
  }
}

/** 0:42, 12:05, 1:02:03 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
