/**
 * Two real libwebrtc peers (@roamhq/wrtc) forced to relay-only ICE through a
 * TURN server, each sending a synthetic audio track to the other. Used by the
 * TURN integration tests and the relay-only parts of other suites.
 */
import { RTCPeerConnection } from '@roamhq/wrtc';
import { syntheticAudio, type SyntheticTrack } from '../../bot/syntheticMedia';
import { selectedPair } from '../../bot/stats';

export interface IceServer {
  urls: string;
  username: string;
  credential: string;
}

export interface PeerStats {
  bytesReceived: number;
  packetsReceived: number;
  localCandidateType: string | undefined;
  remoteCandidateType: string | undefined;
}

export interface RelayPeers {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  stats(pc: RTCPeerConnection): Promise<PeerStats>;
  /** Resolves once both peers received at least `bytes` of RTP, or rejects after `timeoutMs`. */
  waitForMedia(bytes: number, timeoutMs: number): Promise<[PeerStats, PeerStats]>;
  close(): void;
}

export function createRelayPeers(iceServer: IceServer): RelayPeers {
  const config = { iceServers: [iceServer], iceTransportPolicy: 'relay' as const };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  const audioA = syntheticAudio({ frequency: 440 });
  const audioB = syntheticAudio({ frequency: 660 });
  const tracks: SyntheticTrack[] = [audioA, audioB];
  a.addTrack(audioA.track);
  b.addTrack(audioB.track);
  a.onicecandidate = ({ candidate }) => {
    if (candidate) void b.addIceCandidate(candidate).catch(() => undefined);
  };
  b.onicecandidate = ({ candidate }) => {
    if (candidate) void a.addIceCandidate(candidate).catch(() => undefined);
  };
  void (async () => {
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
  })();

  const stats = async (pc: RTCPeerConnection): Promise<PeerStats> => {
    const report = await pc.getStats();
    const all = [...report.values()] as Array<Record<string, unknown>>;
    let bytesReceived = 0;
    let packetsReceived = 0;
    for (const s of all) {
      if (s.type === 'inbound-rtp') {
        bytesReceived += Number(s.bytesReceived ?? 0);
        packetsReceived += Number(s.packetsReceived ?? 0);
      }
    }
    const pair = await selectedPair(pc);
    return {
      bytesReceived,
      packetsReceived,
      localCandidateType: pair?.local.candidateType,
      remoteCandidateType: pair?.remote.candidateType,
    };
  };

  return {
    a,
    b,
    stats,
    async waitForMedia(bytes, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [sa, sb] = await Promise.all([stats(a), stats(b)]);
        if (sa.bytesReceived >= bytes && sb.bytesReceived >= bytes) return [sa, sb];
        if (Date.now() > deadline) {
          throw new Error(
            `media did not flow within ${timeoutMs} ms: a=${JSON.stringify(sa)} b=${JSON.stringify(sb)} ` +
              `states a=${a.iceConnectionState} b=${b.iceConnectionState}`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    close() {
      for (const t of tracks) t.stop();
      a.close();
      b.close();
    },
  };
}
