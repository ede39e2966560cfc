/**
 * Per-track statistics from RTCPeerConnection.getStats(): bitrate,
 * resolution, frame rate, packet loss and round-trip time, for what we
 * receive (by content name) and what we send (by our content: audio, video,
 * screen…). Rates are computed between two samples.
 */

export interface TrackStats {
  content: string;
  kind: 'audio' | 'video';
  bitrateKbps: number;
  width?: number;
  height?: number;
  fps?: number;
  /** Packets lost in the last interval, in percent. */
  lossPct: number;
  rttMs?: number;
  /** Received only. */
  framesDecoded?: number;
  /** Sent only: simulcast layers carrying data. */
  layers?: number;
  bytes: number;
  packets: number;
}

export interface StatsSample {
  inbound: Map<string, TrackStats>;
  outbound: Map<string, TrackStats>;
  rttMs: number | undefined;
}

type Report = Record<string, unknown> & { id: string; type: string; timestamp: number };

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const opt = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export class StatsSampler {
  private previous = new Map<string, Report>();

  async sample(pc: RTCPeerConnection): Promise<StatsSample> {
    const reports = new Map<string, Report>();
    (await pc.getStats()).forEach((r: Report) => reports.set(r.id, r));
    const midOfTrack = new Map<string, string>();
    for (const t of pc.getTransceivers()) {
      if (t.mid && t.receiver.track) midOfTrack.set(t.receiver.track.id, t.mid);
    }
    const rttMs = selectedPairRtt(reports);
    const inbound = new Map<string, TrackStats>();
    const outbound = new Map<string, TrackStats>();
    for (const r of reports.values()) {
      if (r.type === 'inbound-rtp') {
        const content =
          (typeof r.mid === 'string' ? r.mid : undefined) ??
          midOfTrack.get(String(r.trackIdentifier));
        if (!content) continue;
        inbound.set(content, this.inboundOf(r, content, rttMs));
      } else if (r.type === 'outbound-rtp' && typeof r.mid === 'string') {
        this.addOutbound(outbound, r, reports);
      }
    }
    this.previous = reports;
    return { inbound, outbound, rttMs };
  }

  private inboundOf(r: Report, content: string, rttMs: number | undefined): TrackStats {
    const before = this.previous.get(r.id);
    const seconds = before ? (r.timestamp - before.timestamp) / 1000 : 0;
    const bytes = num(r.bytesReceived);
    const packets = num(r.packetsReceived);
    const lost = num(r.packetsLost);
    const dPackets = packets - num(before?.packetsReceived);
    const dLost = Math.max(0, lost - num(before?.packetsLost));
    const stats: TrackStats = {
      content,
      kind: r.kind === 'audio' ? 'audio' : 'video',
      bitrateKbps: seconds > 0 ? ((bytes - num(before?.bytesReceived)) * 8) / seconds / 1000 : 0,
      lossPct: dPackets + dLost > 0 ? (100 * dLost) / (dPackets + dLost) : 0,
      bytes,
      packets,
    };
    if (rttMs !== undefined) stats.rttMs = rttMs;
    if (r.kind === 'video') {
      stats.framesDecoded = num(r.framesDecoded);
      const w = opt(r.frameWidth);
      const hgt = opt(r.frameHeight);
      const fps = opt(r.framesPerSecond);
      if (w !== undefined) stats.width = w;
      if (hgt !== undefined) stats.height = hgt;
      if (fps !== undefined) stats.fps = fps;
    }
    return stats;
  }

  /** Adds one outbound stream (one simulcast layer) to its content's totals. */
  private addOutbound(out: Map<string, TrackStats>, r: Report, reports: Map<string, Report>): void {
    const content = String(r.mid);
    const before = this.previous.get(r.id);
    const seconds = before ? (r.timestamp - before.timestamp) / 1000 : 0;
    const bytes = num(r.bytesSent);
    const rate = seconds > 0 ? ((bytes - num(before?.bytesSent)) * 8) / seconds / 1000 : 0;
    const remote = [...reports.values()].find(
      (x) => x.type === 'remote-inbound-rtp' && x.localId === r.id,
    );
    const stats = out.get(content) ?? {
      content,
      kind: r.kind === 'audio' ? ('audio' as const) : ('video' as const),
      bitrateKbps: 0,
      lossPct: 0,
      bytes: 0,
      packets: 0,
      layers: 0,
    };
    stats.bitrateKbps += rate;
    stats.bytes += bytes;
    stats.packets += num(r.packetsSent);
    if (rate > 0) stats.layers = (stats.layers ?? 0) + 1;
    const w = opt(r.frameWidth);
    if (w !== undefined && w > (stats.width ?? 0)) {
      stats.width = w;
      const hgt = opt(r.frameHeight);
      const fps = opt(r.framesPerSecond);
      if (hgt !== undefined) stats.height = hgt;
      if (fps !== undefined) stats.fps = fps;
    }
    if (remote) {
      const rtt = opt(remote.roundTripTime);
      if (rtt !== undefined) stats.rttMs = Math.max(stats.rttMs ?? 0, rtt * 1000);
      stats.lossPct = Math.max(stats.lossPct, num(remote.fractionLost) * 100);
    }
    out.set(content, stats);
  }
}

function selectedPairRtt(reports: Map<string, Report>): number | undefined {
  for (const r of reports.values()) {
    if (r.type !== 'transport' || typeof r.selectedCandidatePairId !== 'string') continue;
    const pair = reports.get(r.selectedCandidatePairId);
    const rtt = opt(pair?.currentRoundTripTime);
    if (rtt !== undefined) return rtt * 1000;
  }
  for (const r of reports.values()) {
    if (r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded') {
      const rtt = opt(r.currentRoundTripTime);
      if (rtt !== undefined) return rtt * 1000;
    }
  }
  return undefined;
}

/** The overlay text of a tile. */
export function formatStats(video: TrackStats | undefined, audio: TrackStats | undefined): string {
  const lines: string[] = [];
  const kbps = (video?.bitrateKbps ?? 0) + (audio?.bitrateKbps ?? 0);
  lines.push(
    `bitrate  ${kbps >= 1000 ? `${(kbps / 1000).toFixed(2)} Mb/s` : `${kbps.toFixed(0)} kb/s`}`,
  );
  if (video?.width && video.height) {
    const fps = video.fps !== undefined ? ` @ ${video.fps.toFixed(0)} fps` : '';
    lines.push(`video    ${video.width}×${video.height}${fps}`);
  } else lines.push('video    —');
  if (video?.layers !== undefined && video.layers > 1) lines.push(`layers   ${video.layers}`);
  const loss = Math.max(video?.lossPct ?? 0, audio?.lossPct ?? 0);
  lines.push(`loss     ${loss.toFixed(1)} %`);
  const rtt = video?.rttMs ?? audio?.rttMs;
  lines.push(`rtt      ${rtt !== undefined ? `${rtt.toFixed(rtt < 10 ? 1 : 0)} ms` : '—'}`);
  return lines.join('\n');
}
