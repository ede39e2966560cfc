import xml from '@xmpp/xml';
import { StanzaError } from '../component/StanzaError';
import { validateConferenceRequest, type RequestPolicy } from './ConferenceRequest';

const base: RequestPolicy = {
  mucDomain: 'conference.example.org',
  localDomains: new Set(['example.org', 'guest.example.org']),
  remoteDomains: { kind: 'all' },
};
const request = (room?: string) =>
  xml('conference', { xmlns: 'http://jitsi.org/protocol/focus', room });

function refusal(result: unknown): StanzaError {
  if (!(result instanceof StanzaError)) throw new Error('expected a refusal');
  return result;
}

test('a request for a local room from a local user is accepted and normalised', () => {
  expect(
    validateConferenceRequest(
      request('Team@Conference.Example.org'),
      'alice@example.org/phone',
      base,
    ),
  ).toEqual({
    room: 'team@conference.example.org',
    requester: 'alice@example.org/phone',
  });
});

test.each([
  [undefined, 'bad-request', /missing room/],
  ['not a jid@@', 'bad-request', /not a room JID/],
  ['conference.example.org', 'bad-request', /not a room JID/],
  ['room@conference.elsewhere.net', 'not-allowed', /only serves rooms on conference\.example\.org/],
])('room %p is refused with %s', (room, condition, text) => {
  const error = refusal(validateConferenceRequest(request(room), 'alice@example.org/x', base));
  expect(error.condition).toBe(condition);
  expect(error.text).toMatch(text);
});

test('a bare requester JID is a bad request', () => {
  expect(
    refusal(
      validateConferenceRequest(request('r@conference.example.org'), 'alice@example.org', base),
    ).condition,
  ).toBe('bad-request');
});

test('remote domains follow the policy', () => {
  const remote = 'bob@other.net/laptop';
  const room = request('r@conference.example.org');
  expect(validateConferenceRequest(room, remote, base)).toMatchObject({ requester: remote });
  const localOnly = refusal(
    validateConferenceRequest(room, remote, { ...base, remoteDomains: { kind: 'none' } }),
  );
  expect(localOnly.condition).toBe('not-allowed');
  expect(localOnly.text).toMatch(/local users only; other\.net is a remote domain/);
  const list = {
    ...base,
    remoteDomains: { kind: 'list', domains: new Set(['friends.org']) },
  } as const;
  expect(refusal(validateConferenceRequest(room, remote, list)).text).toMatch(
    /other\.net may not join/,
  );
  expect(validateConferenceRequest(room, 'carol@friends.org/x', list)).toMatchObject({
    requester: 'carol@friends.org/x',
  });
});
