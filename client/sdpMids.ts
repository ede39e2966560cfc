/**
 * A content we add gets its Jingle name as its mid (`screen`): the Jingle
 * library names contents by mid, and the browser picks numbers. The browser
 * may put the new track in the m-line of a removed one (JSEP 5.2.2 recycling);
 * the session places it there too (JingleSession.addContents).
 */

export type Renamed = { ok: true; sdp: string } | { ok: false; error: string };

/** Gives the one m-line whose mid is not a known content the mid `name` (in BUNDLE too). */
export function renameNewMid(sdp: string, known: readonly string[], name: string): Renamed {
  const lines = sdp.split('\r\n');
  const mids: { line: number; mid: string }[] = [];
  let section = -1;
  lines.forEach((line, i) => {
    if (line.startsWith('m=')) section++;
    else if (line.startsWith('a=mid:') && section >= 0) mids.push({ line: i, mid: line.slice(6) });
  });
  const added = mids.filter((m) => !known.includes(m.mid));
  const first = added[0];
  if (added.length !== 1 || !first) return { ok: false, error: 'expected one new m-line' };
  if (known.includes(name)) return { ok: false, error: `the session already has ${name}` };
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
