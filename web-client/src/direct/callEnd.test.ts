import { describeEnd, formatDuration, type EndFacts } from './callEnd';

const facts = (f: Partial<EndFacts>): EndFacts => ({
  direction: 'outgoing',
  reason: { condition: 'success' },
  locally: false,
  connected: true,
  durationMs: 75000,
  ...f,
});

test('who ended the call, and how long it lasted', () => {
  expect(describeEnd('alice', facts({}))).toEqual({
    kind: 'ended',
    title: 'Call ended',
    detail: 'alice hung up after 1:15.',
  });
  expect(describeEnd('alice', facts({ locally: true })).detail).toBe('You hung up after 1:15.');
  expect(
    describeEnd('alice', facts({ locally: true, connected: false, durationMs: 0 })).title,
  ).toBe('Call cancelled');
});

test('declined, busy, missed, unanswered, unreachable and failed calls say so', () => {
  const text = (f: Partial<EndFacts>) => describeEnd('bob', facts({ connected: false, ...f }));
  expect(text({ reason: { condition: 'decline' } }).detail).toBe('bob declined your call.');
  expect(
    text({ reason: { condition: 'decline' }, locally: true, direction: 'incoming' }).detail,
  ).toBe('You declined the call from bob.');
  expect(text({ reason: { condition: 'busy' } }).title).toBe('bob is busy');
  expect(text({ reason: { condition: 'cancel' }, direction: 'incoming' }).kind).toBe('missed');
  expect(
    text({
      reason: { condition: 'cancel', text: 'answered on another device' },
      direction: 'incoming',
    }).title,
  ).toBe('Answered elsewhere');
  expect(text({ reason: { condition: 'timeout' } }).title).toBe('No answer');
  expect(text({ reason: { condition: 'timeout' }, direction: 'incoming' }).title).toBe(
    'Missed call',
  );
  expect(text({ reason: { condition: 'gone', text: 'service-unavailable' } }).detail).toBe(
    'There is no such user on that server.',
  );
  expect(text({ reason: { condition: 'failed-transport' } }).kind).toBe('failed');
  expect(text({ reason: { condition: 'general-error', text: 'oops' } }).detail).toContain('oops');
});

test('durations', () => {
  expect(formatDuration(0)).toBe('0:00');
  expect(formatDuration(62_000)).toBe('1:02');
  expect(formatDuration(3_723_000)).toBe('1:02:03');
});
