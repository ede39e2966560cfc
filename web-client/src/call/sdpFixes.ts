/**
 * Two small edits of SDP text that the browser's side of the session needs
 * on top of the Jingle library's translation:
 * - a content we add gets its Jingle name as its mid (`screen`), since the
 *   library names contents by mid and the browser picks numbers;
 * - a remote answer to a re-offer of ours keeps the DTLS roles of the first
 *   negotiation (browsers refuse to swap them mid-session).
 */

export type Renamed = { ok: true; sdp: string } | { ok: false; error: string };

/**
 * Gives the one m-line whose mid is not a known content the mid `name`.
 * Fails when the browser put it in place of an old, removed m-line
 * (m-line recycling): the session's m-line order would no longer match.
 */
export function renameNewMid(sdp: string, known: readonly string[], name: string): Renamed {
  const lines = sdp.split('\r\n');
  const mids: { index: number; line: number; mid: string }[] = [];
  let section = -1;
  lines.forEach((line, i) => {
    if (line.startsWith('m=')) section++;
    else if (line.startsWith('a=mid:') && section >= 0)
      mids.push({ index: section, line: i, mid: line.slice(6) });
  });
  const added = mids.filter((m) => !known.includes(m.mid));
  const first = added[0];
  if (added.length !== 1 || !first) return { ok: false, error: 'expected one new m-line' };
  if (first.index < known.length)
    return { ok: false, error: 'the browser reused the m-line of a removed track' };
  const old = first.mid;
  lines[first.line] = `a=mid:${name}`;
  const out = lines.map((line) =>
    line.startsWith('a=group:BUNDLE ')
      ? 'a=group:BUNDLE ' +
        line
          .slice('a=group:BUNDLE '.length)
          .split(' ')
          .map((m) => (m === old ? name : m))
          .join(' ')
      : line,
  );
  return { ok: true, sdp: out.join('\r\n') };
}

/** Rewrites a remote answer's a=setup lines so the remote keeps the role opposite ours. */
export function keepDtlsRole(sdp: string, ours: 'active' | 'passive'): string {
  const theirs = ours === 'active' ? 'passive' : 'active';
  return sdp.replace(/^a=setup:(active|passive|actpass)(?=\r?$)/gm, `a=setup:${theirs}`);
}
