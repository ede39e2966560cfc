/**
 * A libwebrtc peer in Node (@roamhq/wrtc) with synthetic media (by default a
 * 440 Hz tone and a moving 320x240 picture), so encoders really produce packets.
 */
import wrtc from '@roamhq/wrtc';
import {
  syntheticAudio,
  syntheticVideo,
  type AudioOptions,
  type SyntheticTrack,
  type VideoOptions,
} from '../../../bot/syntheticMedia';

const { RTCPeerConnection, nonstandard } = wrtc;

export interface WrtcPeerOptions {
  audio?: boolean | AudioOptions;
  video?: boolean | VideoOptions;
  dataChannel?: boolean;
}

export interface WrtcStats {
  inboundAudioBytes: number;
  inboundVideoBytes: number;
  outboundBytes: number;
  framesDecoded: number;
}

export class WrtcPeer {
  readonly pc: RTCPeerConnection;
  private readonly media: SyntheticTrack[] = [];
  private readonly tracks: MediaStreamTrack[] = [];
  private readonly stream = new wrtc.MediaStream();
  private readonly sinks: { stop(): void }[] = [];
  private frames = 0;
  private readonly gatheredCandidates: { candidate: string; sdpMid: string }[] = [];

  constructor(options: WrtcPeerOptions = {}) {
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    if (options.audio) this.tracks.push(this.start(syntheticAudio(optionsOf(options.audio))));
    if (options.video) this.tracks.push(this.start(syntheticVideo(optionsOf(options.video))));
    for (const track of this.tracks) this.stream.addTrack(track);
    if (options.dataChannel) this.pc.createDataChannel('chat');
    this.pc.addEventListener('track', (event) => this.countFrames(event.track));
    this.pc.addEventListener('icecandidate', (event) => {
      this.gatheredCandidates.push({
        candidate: event.candidate?.candidate ?? '',
        sdpMid: event.candidate?.sdpMid ?? '',
      });
    });
  }

  /** Local candidates gathered since the last call; '' marks the end of gathering. */
  candidates(): { candidate: string; sdpMid: string }[] {
    return this.gatheredCandidates.splice(0);
  }

  /** Frames decoded by the video sinks of received tracks. */
  get decodedFrames(): number {
    return this.frames;
  }

  /** Sends the local tracks (offerer side): one transceiver per track. */
  addTracks(): void {
    for (const track of this.tracks) this.pc.addTrack(track, this.stream);
  }

  /** Starts another synthetic camera on its own sendonly transceiver (a new content). */
  addCamera(): RTCRtpTransceiver {
    const track = this.start(syntheticVideo());
    this.tracks.push(track);
    return this.pc.addTransceiver(track, { direction: 'sendonly', streams: [this.stream] });
  }

  /** createOffer + setLocalDescription; with `trickle`, the offer without candidates (they come as events). */
  async offer(trickle = false): Promise<string> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    if (trickle) return offer.sdp ?? '';
    await this.gathered();
    return this.pc.localDescription?.sdp ?? '';
  }

  /** setRemoteDescription(offer), attach local tracks to the offered transceivers, createAnswer (not set). */
  async answer(offer: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await this.attachTracks();
    const answer = await this.pc.createAnswer();
    return answer.sdp ?? '';
  }

  async attachTracks(): Promise<void> {
    for (const track of this.tracks) {
      const free = this.pc
        .getTransceivers()
        .find((t) => t.receiver.track.kind === track.kind && !t.sender.track && t.mid !== null);
      if (free) {
        await free.sender.replaceTrack(track);
        free.direction = 'sendrecv';
      }
    }
  }

  async setLocal(type: 'offer' | 'answer', sdp: string, trickle = false): Promise<string> {
    await this.pc.setLocalDescription({ type, sdp });
    if (trickle) return sdp;
    await this.gathered();
    return this.pc.localDescription?.sdp ?? '';
  }

  async setRemote(type: 'offer' | 'answer', sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type, sdp });
  }

  async stats(): Promise<WrtcStats> {
    const report = await this.pc.getStats();
    const s: WrtcStats = {
      inboundAudioBytes: 0,
      inboundVideoBytes: 0,
      outboundBytes: 0,
      framesDecoded: 0,
    };
    report.forEach((r: Record<string, unknown>) => {
      if (r.type === 'inbound-rtp') {
        const kind = r.kind ?? r.mediaType;
        if (kind === 'audio') s.inboundAudioBytes += Number(r.bytesReceived ?? 0);
        if (kind === 'video') s.inboundVideoBytes += Number(r.bytesReceived ?? 0);
        s.framesDecoded += Number(r.framesDecoded ?? 0);
      }
      if (r.type === 'outbound-rtp') s.outboundBytes += Number(r.bytesSent ?? 0);
    });
    return s;
  }

  close(): void {
    for (const media of this.media.splice(0)) media.stop();
    for (const sink of this.sinks) sink.stop();
    this.pc.close();
  }

  private gathered(): Promise<void> {
    return new Promise((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, 5000);
      this.pc.addEventListener('icegatheringstatechange', () => {
        if (this.pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  private start(media: SyntheticTrack): MediaStreamTrack {
    this.media.push(media);
    return media.track;
  }

  private countFrames(track: MediaStreamTrack): void {
    if (track.kind !== 'video') return;
    const sink = new nonstandard.RTCVideoSink(track);
    sink.addEventListener('frame', () => {
      this.frames++;
    });
    this.sinks.push(sink);
  }
}

function optionsOf<T extends object>(option: boolean | T): T | undefined {
  return typeof option === 'object' ? option : undefined;
}
