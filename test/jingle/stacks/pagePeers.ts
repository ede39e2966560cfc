/**
 * A small RTCPeerConnection API installed in a browser page (Chromium via
 * playwright, Firefox via WebDriver BiDi). `installPagePeers` is serialized
 * with Function.prototype.toString and run in the page, so it must not use
 * anything from its module scope.
 */

export interface PagePeerOptions {
  /** Send the fake microphone. */
  audio?: boolean;
  /** Send the fake camera. */
  video?: boolean;
  /** rids of simulcast layers for the camera (lowest first), or none. */
  simulcastRids?: string[];
  /** Open a data channel. */
  dataChannel?: boolean;
}

export interface PageStats {
  inboundAudioBytes: number;
  inboundVideoBytes: number;
  /** Inbound video streams that received bytes. */
  inboundVideoStreams: number;
  framesDecoded: number;
  outboundBytes: number;
  outboundVideoStreams: number;
}

export interface LocalCandidate {
  /** '' once gathering is complete. */
  candidate: string;
  sdpMid: string;
}

export interface PagePeers {
  create(id: string, options: PagePeerOptions): Promise<void>;
  /** createOffer + setLocalDescription; resolves once gathering completed (or 5 s) unless `trickle`. */
  offer(id: string, trickle?: boolean): Promise<string>;
  /** setRemoteDescription(offer), attach local tracks, createAnswer (not yet set). */
  answer(id: string, offer: string): Promise<string>;
  /** setLocalDescription; resolves with the local SDP once gathering completed (or 5 s) unless `trickle`. */
  setLocal(id: string, type: 'offer' | 'answer', sdp: string, trickle?: boolean): Promise<string>;
  /** Another camera track on its own sendonly transceiver (a new content, like a screen share). */
  addCamera(id: string): Promise<void>;
  /** Local candidates gathered since the last call. */
  candidates(id: string): Promise<LocalCandidate[]>;
  /** setRemoteDescription; resolves with '' or the error message. */
  setRemote(id: string, type: 'offer' | 'answer', sdp: string): Promise<string>;
  addCandidate(id: string, candidate: string, sdpMid: string): Promise<string>;
  stats(id: string): Promise<PageStats>;
  close(id: string): void;
}

/** The page peer API as called from Node: every method returns a promise. */
export type RemotePeers = {
  [K in keyof PagePeers]: (
    ...args: Parameters<PagePeers[K]>
  ) => Promise<Awaited<ReturnType<PagePeers[K]>>>;
};

/** The Node-side API, given how to call one page method. */
export function remotePeers(
  call: <K extends keyof PagePeers>(
    name: K,
  ) => (...args: Parameters<PagePeers[K]>) => Promise<Awaited<ReturnType<PagePeers[K]>>>,
): RemotePeers {
  return {
    create: call('create'),
    offer: call('offer'),
    answer: call('answer'),
    setLocal: call('setLocal'),
    candidates: call('candidates'),
    addCamera: call('addCamera'),
    setRemote: call('setRemote'),
    addCandidate: call('addCandidate'),
    stats: call('stats'),
    close: call('close'),
  };
}

export function installPagePeers(): void {
  const pcs = new Map<string, RTCPeerConnection>();
  const tracks = new Map<string, MediaStream>();
  const channels = new Map<string, RTCDataChannel>();
  const gatheredCandidates = new Map<string, LocalCandidate[]>();
  const simulcast = new Map<string, string[]>();
  /** Tracks not yet on a transceiver: the offerer adds them at its first offer, the answerer attaches them. */
  const unattached = (id: string): MediaStreamTrack[] =>
    (tracks.get(id)?.getTracks() ?? []).filter(
      (track) =>
        !get(id)
          .getSenders()
          .some((sender) => sender.track === track),
    );

  function get(id: string): RTCPeerConnection {
    const pc = pcs.get(id);
    if (!pc) throw new Error(`no peer ${id}`);
    return pc;
  }

  function gathered(pc: RTCPeerConnection): Promise<void> {
    return new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, 5000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  const api: PagePeers = {
    async create(id, options) {
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      pcs.set(id, pc);
      gatheredCandidates.set(id, []);
      pc.addEventListener('icecandidate', (event) => {
        gatheredCandidates.get(id)?.push({
          candidate: event.candidate?.candidate ?? '',
          sdpMid: event.candidate?.sdpMid ?? '',
        });
      });
      if (options.audio || options.video) {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: !!options.audio,
          video: !!options.video,
        });
        tracks.set(id, stream);
        simulcast.set(id, options.simulcastRids ?? []);
      }
      if (options.dataChannel) channels.set(id, pc.createDataChannel('chat'));
    },
    async offer(id, trickle) {
      const pc = get(id);
      const stream = tracks.get(id);
      for (const track of unattached(id)) {
        const rids = track.kind === 'video' ? (simulcast.get(id) ?? []) : [];
        pc.addTransceiver(track, {
          direction: 'sendrecv',
          streams: stream ? [stream] : [],
          sendEncodings:
            rids.length > 0
              ? rids.map((rid, i) => ({ rid, scaleResolutionDownBy: 2 ** (rids.length - 1 - i) }))
              : undefined,
        });
      }
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (trickle) return offer.sdp ?? '';
      await gathered(pc);
      return pc.localDescription?.sdp ?? '';
    },
    async answer(id, offer) {
      const pc = get(id);
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const stream = tracks.get(id);
      for (const track of unattached(id)) {
        const free = pc
          .getTransceivers()
          .find((t) => t.receiver.track.kind === track.kind && !t.sender.track && t.mid !== null);
        if (free) {
          await free.sender.replaceTrack(track);
          free.sender.setStreams(stream as MediaStream);
          free.direction = 'sendrecv';
        }
      }
      const answer = await pc.createAnswer();
      return answer.sdp ?? '';
    },
    async setLocal(id, type, sdp, trickle) {
      const pc = get(id);
      await pc.setLocalDescription({ type, sdp });
      if (trickle) return sdp;
      await gathered(pc);
      return pc.localDescription?.sdp ?? '';
    },
    async addCamera(id) {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = stream.getVideoTracks()[0];
      if (!track) throw new Error('no camera');
      get(id).addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      tracks.get(id)?.addTrack(track);
    },
    async candidates(id) {
      return gatheredCandidates.get(id)?.splice(0) ?? [];
    },
    async setRemote(id, type, sdp) {
      try {
        await get(id).setRemoteDescription({ type, sdp });
        return '';
      } catch (e) {
        return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
    },
    async addCandidate(id, candidate, sdpMid) {
      try {
        await get(id).addIceCandidate({ candidate, sdpMid });
        return '';
      } catch (e) {
        return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
    },
    async stats(id) {
      const report = await get(id).getStats();
      const s: PageStats = {
        inboundAudioBytes: 0,
        inboundVideoBytes: 0,
        inboundVideoStreams: 0,
        framesDecoded: 0,
        outboundBytes: 0,
        outboundVideoStreams: 0,
      };
      report.forEach((r: Record<string, unknown>) => {
        if (r.type === 'inbound-rtp') {
          if (r.kind === 'audio') s.inboundAudioBytes += Number(r.bytesReceived ?? 0);
          if (r.kind === 'video') s.inboundVideoBytes += Number(r.bytesReceived ?? 0);
          if (r.kind === 'video' && Number(r.bytesReceived ?? 0) > 0) s.inboundVideoStreams += 1;
          s.framesDecoded += Number(r.framesDecoded ?? 0);
        }
        if (r.type === 'outbound-rtp') {
          s.outboundBytes += Number(r.bytesSent ?? 0);
          if (r.kind === 'video' && Number(r.bytesSent ?? 0) > 0) s.outboundVideoStreams += 1;
        }
      });
      return s;
    },
    close(id) {
      pcs.get(id)?.close();
      pcs.delete(id);
      for (const track of tracks.get(id)?.getTracks() ?? []) track.stop();
      tracks.delete(id);
      channels.delete(id);
    },
  };
  (globalThis as unknown as { pagePeers: PagePeers }).pagePeers = api;
}
