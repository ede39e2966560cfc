import { parse } from 'sdp-transform';
import { readSdpFixture } from './fixtures/fixtures';
import { addSimulcastLayers } from './simulcastMunging';

function video(sdp: string) {
  const m = parse(sdp).media.find((x) => x.type === 'video');
  if (!m) throw new Error('no video');
  return m;
}

describe('addSimulcastLayers', () => {
  const answer = readSdpFixture('chromium-answer');
  let next = 1000;
  const nextSsrc = (): number => next++;

  test('adds layers with RTX, a SIM group lowest first and one FID group per layer; cname and msid kept', () => {
    next = 1000;
    const result = addSimulcastLayers(answer, { layers: 3, nextSsrc });
    if (!result.ok) throw result.error;
    const before = video(answer);
    const after = video(result.value);
    const primary = Number(before.ssrcGroups?.[0]?.ssrcs.split(' ')[0]);
    expect(after.ssrcGroups?.map((g) => g.semantics)).toEqual(['SIM', 'FID', 'FID', 'FID']);
    expect(after.ssrcGroups?.[0]?.ssrcs).toBe(`${primary} 1000 1002`);
    expect(after.ssrcGroups?.slice(2).map((g) => g.ssrcs)).toEqual(['1000 1001', '1002 1003']);
    const cnames = new Set(after.ssrcs?.filter((s) => s.attribute === 'cname').map((s) => s.value));
    expect(cnames.size).toBe(1);
    expect(new Set(after.ssrcs?.map((s) => s.id)).size).toBe(6);
    // The audio m-line is untouched.
    expect(parse(result.value).media[0]?.ssrcs).toEqual(parse(answer).media[0]?.ssrcs);
  });

  test('refuses bad layer counts and m-lines it cannot munge', () => {
    expect(addSimulcastLayers(answer, { layers: 1 }).ok).toBe(false);
    expect(addSimulcastLayers(answer, { layers: 5 }).ok).toBe(false);
    const munged = addSimulcastLayers(answer, { layers: 2 });
    if (!munged.ok) throw munged.error;
    // Already simulcast: nothing left to munge.
    expect(addSimulcastLayers(munged.value, { layers: 2 }).ok).toBe(false);
    expect(addSimulcastLayers(answer, { layers: 2, mid: '0' }).ok).toBe(true);
    expect(addSimulcastLayers(answer, { layers: 2, mid: 'nope' }).ok).toBe(false);
  });

  test('never reuses an SSRC of the description', () => {
    const taken = Number(video(answer).ssrcs?.[0]?.id);
    const values = [taken, taken, 77, 78];
    const result = addSimulcastLayers(answer, { layers: 2, nextSsrc: () => values.shift() ?? 99 });
    if (!result.ok) throw result.error;
    expect(video(result.value).ssrcGroups?.[0]?.ssrcs).toBe(`${taken} 77`);
  });
});
