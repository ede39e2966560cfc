import { parseContentName, Roster } from './Roster';

const track = (kind: 'audio' | 'video') =>
  ({ kind, id: Math.random().toString() }) as MediaStreamTrack;

test('content names split into participant and source', () => {
  expect(parseContentName('p1a2b3-video')).toEqual({ participantId: 'p1a2b3', source: 'video' });
  expect(parseContentName('p1a2b3-screen2')).toEqual({
    participantId: 'p1a2b3',
    source: 'screen2',
  });
  expect(parseContentName('video')).toBeNull();
  expect(parseContentName('-x')).toBeNull();
});

test('microphone and camera make one feed, a screen another; names, mutes and removal', () => {
  const roster = new Roster();
  let changes = 0;
  roster.on('changed', () => changes++);
  roster.setMuted('p1-audio', true); // a mute can come before the track
  roster.addTrack('p1-audio', track('audio'));
  roster.addTrack('p1-video', track('video'));
  roster.addTrack('p1-screen', track('video'));
  expect([...roster.feeds.keys()]).toEqual(['p1', 'p1-screen']);
  expect(roster.feeds.get('p1')?.audio?.muted).toBe(true);
  expect(roster.feeds.get('p1')?.nick).toBe('');
  roster.setOwners(new Map([['p1-audio', 'room@conference.example.org/Bob']]));
  expect(roster.cameraFeedOf('Bob')?.id).toBe('p1');
  roster.setMuted('p1-audio', false);
  expect(roster.feeds.get('p1')?.audio?.muted).toBe(false);
  roster.removeTrack('p1-screen');
  expect(roster.feeds.has('p1-screen')).toBe(false);
  roster.removeTrack('p1-audio');
  roster.removeTrack('p1-video');
  expect(roster.feeds.size).toBe(0);
  expect(changes).toBeGreaterThanOrEqual(7);
});

test('owners known before the track name its feed', () => {
  const roster = new Roster();
  roster.setOwners(new Map([['p2-video', 'room@conference.example.org/Ann Lee']]));
  roster.addTrack('p2-video', track('video'));
  expect(roster.feeds.get('p2')?.nick).toBe('Ann Lee');
});

test('a nick change renames the feeds', () => {
  const roster = new Roster();
  roster.setOwners(new Map([['p3-video', 'room@conference.example.org/Sam (2)']]));
  roster.addTrack('p3-video', track('video'));
  roster.rename('Sam (2)', 'Sam');
  expect(roster.cameraFeedOf('Sam')?.id).toBe('p3');
  roster.addTrack('p3-audio', track('audio'));
  roster.removeTrack('p3-video');
  expect(roster.feeds.get('p3')?.nick).toBe('Sam');
});
