import { renameNewMid } from './sdpMids';

const offer = (mids: string[]) =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mids.join(' ')}`,
    ...mids.flatMap((mid) => ['m=video 9 UDP/TLS/RTP/SAVPF 96', 'a=setup:actpass', `a=mid:${mid}`]),
    '',
  ].join('\r\n');

test('the new m-line takes the content name, in the BUNDLE group too', () => {
  const renamed = renameNewMid(
    offer(['audio', 'video', 'p1-video', '3']),
    ['audio', 'video', 'p1-video'],
    'screen',
  );
  expect(renamed.ok).toBe(true);
  if (!renamed.ok) return;
  expect(renamed.sdp).toContain('a=group:BUNDLE audio video p1-video screen\r\n');
  expect(renamed.sdp).toContain('a=mid:screen\r\n');
  expect(renamed.sdp).not.toContain('a=mid:3\r\n');
});

test('a recycled m-line (in place of a removed one) is renamed where it stands', () => {
  const renamed = renameNewMid(
    offer(['audio', 'video', '3']),
    ['audio', 'video', 'screen'],
    'screen2',
  );
  expect(renamed.ok).toBe(true);
  if (renamed.ok) expect(renamed.sdp).toContain('a=group:BUNDLE audio video screen2\r\n');
});

test('no new m-line, two of them, or a name already taken: refused', () => {
  expect(renameNewMid(offer(['audio', 'video']), ['audio', 'video'], 'screen').ok).toBe(false);
  expect(renameNewMid(offer(['audio', '1', '2']), ['audio'], 'screen').ok).toBe(false);
  expect(renameNewMid(offer(['audio', '1']), ['audio', 'screen'], 'screen')).toEqual({
    ok: false,
    error: 'the session already has screen',
  });
});
