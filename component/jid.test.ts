import { bareJid, parseJid } from './jid';

test.each([
  [
    'room@conference.example.org',
    { local: 'room', domain: 'conference.example.org', resource: '' },
  ],
  ['Alice@Example.ORG/phone 1', { local: 'Alice', domain: 'example.org', resource: 'phone 1' }],
  ['example.org', { local: '', domain: 'example.org', resource: '' }],
  ['müller@bücher.de/x', { local: 'müller', domain: 'bücher.de', resource: 'x' }],
])('parses %s', (input, expected) => {
  expect(parseJid(input)).toEqual(expected);
});

test.each([
  '',
  'not a jid@@',
  '@example.org',
  'a@',
  'a b@example.org',
  'a@exa mple.org',
  'a@example.org/',
  'a@-bad-.org',
  'a@b/\u0001',
])('refuses %p', (input) => {
  expect(parseJid(input)).toBeNull();
});

test('bare JID', () => {
  expect(bareJid({ local: 'a', domain: 'b.c', resource: 'r' })).toBe('a@b.c');
  expect(bareJid({ local: '', domain: 'b.c', resource: '' })).toBe('b.c');
});
