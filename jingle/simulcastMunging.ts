/**
 * SSRC-based simulcast by SDP munging, as lib-jitsi-meet does: before
 * setLocalDescription, a video m-line that sends one SSRC (plus its RTX) gets
 * extra SSRCs with the same cname and msid, a SIM group listing the layers
 * lowest first, and one FID group per layer. libwebrtc then encodes one
 * stream per SSRC. The munged SDP is what session-accept must carry.
 */
import { parse as parseSdp, write as writeSdp, type MediaDescription } from 'sdp-transform';
import { badRequest, type JingleError } from './JingleError';
import { MAX_UINT32 } from './limits';
import { err, ok, type Result } from './result';

export interface SimulcastOptions {
  /** Total number of layers, the existing one included: 2..4. */
  layers: number;
  /** Only this m-line; default every video m-line that sends a single SSRC. */
  mid?: string;
  /** Source of new SSRCs (1..2^32-1); default Math.random. */
  nextSsrc?: () => number;
}

export function addSimulcastLayers(
  sdp: string,
  options: SimulcastOptions,
): Result<string, JingleError> {
  if (!Number.isInteger(options.layers) || options.layers < 2 || options.layers > 4) {
    return err(badRequest('layers', 'must be 2..4'));
  }
  const session = parseSdp(sdp);
  const used = new Set<number>(
    session.media.flatMap((m) => (m.ssrcs ?? []).map((s) => Number(s.id))),
  );
  const random = options.nextSsrc ?? (() => 1 + Math.floor(Math.random() * (MAX_UINT32 - 1)));
  const fresh = (): number => {
    for (let i = 0; i < 1000; i++) {
      const ssrc = random();
      if (Number.isInteger(ssrc) && ssrc >= 1 && ssrc <= MAX_UINT32 && !used.has(ssrc)) {
        used.add(ssrc);
        return ssrc;
      }
    }
    throw new TypeError('nextSsrc gives no fresh SSRC');
  };
  let munged = 0;
  for (const media of session.media) {
    if (options.mid !== undefined ? String(media.mid) !== options.mid : media.type !== 'video')
      continue;
    if (mungeMedia(media, options.layers, fresh)) munged++;
  }
  if (munged === 0)
    return err(badRequest(options.mid ?? 'video', 'no video m-line sending a single SSRC'));
  return ok(writeSdp(session));
}

function mungeMedia(media: MediaDescription, layers: number, fresh: () => number): boolean {
  if (media.direction !== 'sendrecv' && media.direction !== 'sendonly') return false;
  const groups = media.ssrcGroups ?? [];
  if (groups.some((g) => g.semantics === 'SIM')) return false;
  const fid = groups
    .filter((g) => g.semantics === 'FID')
    .map((g) => String(g.ssrcs).split(' ').map(Number));
  const repairs = new Set(fid.map((pair) => pair[1]));
  const ssrcs = [...new Set((media.ssrcs ?? []).map((s) => Number(s.id)))];
  const primaries = ssrcs.filter((s) => !repairs.has(s));
  const primary = primaries[0];
  if (primaries.length !== 1 || primary === undefined) return false;
  const rtx = fid.find((pair) => pair[0] === primary)?.[1];
  const lines = media.ssrcs ?? [];
  const copyLines = (from: number, to: number): void => {
    for (const line of lines.filter((l) => Number(l.id) === from)) lines.push({ ...line, id: to });
  };
  const sim = [primary];
  const newGroups: { semantics: string; ssrcs: string }[] = [];
  for (let i = 1; i < layers; i++) {
    const layer = fresh();
    sim.push(layer);
    copyLines(primary, layer);
    if (rtx !== undefined) {
      const layerRtx = fresh();
      copyLines(rtx, layerRtx);
      newGroups.push({ semantics: 'FID', ssrcs: `${layer} ${layerRtx}` });
    }
  }
  media.ssrcs = lines;
  media.ssrcGroups = [{ semantics: 'SIM', ssrcs: sim.join(' ') }, ...groups, ...newGroups];
  return true;
}
