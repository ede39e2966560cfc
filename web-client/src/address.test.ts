import { calleeJid, displayName } from './address';

test('what people type becomes a bare JID on our domain unless they name one', () => {
  expect(calleeJid('bob', 'example.org')).toBe('bob@example.org');
  expect(calleeJid('  Bob@Other.NET ', 'example.org')).toBe('bob@other.net');
  expect(calleeJid('xmpp:carol@example.org?call', 'example.org')).toBe('carol@example.org');
  for (const bad of ['', 'a@b@c', 'bob@', 'bo b', 'a/b@c', 'x@-bad domain', 'x@.lead'])
    expect(calleeJid(bad, 'example.org')).toBeNull();
});

test('a JID is shown by its local part', () => {
  expect(displayName('alice@example.org/phone')).toBe('alice');
  expect(displayName('conference.example.org')).toBe('conference.example.org');
});
