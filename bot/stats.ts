/**
 * What a participant receives, per remote content, from getStats(): packets,
 * bytes, decoded frames and resolution, with the sender it came from.
 */
import type { JingleSession } from '../jingle';
import { TimeoutError } from '../common/errors';

export interface RemoteTrackStats {
  content: string;
  kind: 'audio' | 'video';
  /** The sender's occupant JID (room@service/nick) when the focus says it, else its participant id. */
  owner: string;
  ssrc: number;
  packets: number;
  /** Packets lost as the receiver counts them (sequence gaps not recovered). */
  packetsLost: number;
  bytes: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

interface InboundRtp {
  type: string;
  kind?: string;
  mediaType?: string;
  mid?: string;
  ssrc?: number;
  packetsReceived?: number;
  packetsLost?: number;
  bytesReceived?: number;
  framesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
}

/** The sender of a remote content: the focus's owner annotation, else the id before the dash. */
export function ownerOf(session: JingleSession, content: string): string {
  const remote = session.contents.find((c) => c.name === content)?.remote;
  const owner = remote?.description?.sources.find((s) => s.owner !== undefined)?.owner;
  return owner ?? content.split('-')[0] ?? content;
}

export async function remoteTrackStats(
  pc: RTCPeerConnection,
  session: JingleSession,
): Promise<RemoteTrackStats[]> {
  if (pc.connectionState === 'closed') return [];
  const report = await pc.getStats().catch(() => null);
  if (!report) return [];
  const live = new Set(
    session.contents
      .filter((c) => !c.rejected && c.remote?.description?.sources.length)
      .map((c) => c.name),
  );
  const result: RemoteTrackStats[] = [];
  report.forEach((s: InboundRtp) => {
    if (s.type !== 'inbound-rtp' || !s.mid || !live.has(s.mid)) return;
    result.push({
      content: s.mid,
      kind: (s.kind ?? s.mediaType) === 'video' ? 'video' : 'audio',
      owner: ownerOf(session, s.mid),
      ssrc: s.ssrc ?? 0,
      packets: s.packetsReceived ?? 0,
      packetsLost: s.packetsLost ?? 0,
      bytes: s.bytesReceived ?? 0,
      framesDecoded: s.framesDecoded ?? 0,
      frameWidth: s.frameWidth ?? 0,
      frameHeight: s.frameHeight ?? 0,
    });
  });
  return result;
}

/** Polls `read` until `check` holds; the timeout error shows what was received. */
export async function pollStats(
  who: string,
  read: () => Promise<RemoteTrackStats[]>,
  check: (stats: RemoteTrackStats[]) => boolean,
  what: string,
  timeoutMs: number,
): Promise<RemoteTrackStats[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await read();
    if (check(stats)) return stats;
    if (Date.now() > deadline) {
      const seen = stats.map((s) => [s.content, s.owner, s.packets, s.framesDecoded]);
      throw new TimeoutError(`${who}: timed out waiting for ${what}: ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface CandidateInfo {
  candidateType: string | undefined;
  protocol: string | undefined;
}

/** The local and remote candidates of the pair ICE selected (or, failing that, the nominated one). */
export async function selectedPair(
  pc: RTCPeerConnection,
): Promise<{ local: CandidateInfo; remote: CandidateInfo } | undefined> {
  if (pc.connectionState === 'closed') return undefined;
  const all = [...(await pc.getStats()).values()] as Record<string, unknown>[];
  const byId = new Map(all.map((s) => [s.id, s]));
  const transport = all.find((s) => s.type === 'transport');
  const pair =
    byId.get(transport?.selectedCandidatePairId) ??
    all.find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
  if (!pair) return undefined;
  const info = (id: unknown): CandidateInfo => {
    const c = byId.get(id);
    return {
      candidateType: c?.candidateType as string | undefined,
      protocol: c?.protocol as string | undefined,
    };
  };
  return { local: info(pair.localCandidateId), remote: info(pair.remoteCandidateId) };
}
