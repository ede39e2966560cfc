import {
  candidatePasswords,
  issueCredentials,
  parseRestUsername,
  restPassword,
  verifyCredentials,
} from './credentials';

const SECRET = 's3cr3t-shared-with-prosody';

// Produced by Prosody 0.12's own util.hashes/util.encodings (the code path of
// mod_external_services' behave_turn_rest_credentials), frozen here:
//   base64.encode(hashes.hmac_sha1(secret, username))
const PROSODY_VECTORS: Array<[string, string]> = [
  ['1700000000:confab', 'NwpuDYGU9mjjx0ocHVzXWbwMVHU='],
  ['1700000000', '7yFSowSkauNRBHPiuAQxEBeLlec='],
  ['4102444800:alice@example.org', 'b3QupDoeV2RxTnKRmyTgiduAIfI='],
];

describe('TURN REST credentials', () => {
  it.each(PROSODY_VECTORS)('derives the password Prosody derives for %s', (username, password) => {
    expect(restPassword(SECRET, username)).toBe(password);
  });

  it('issues "<expiry>:<user>" and "<expiry>" usernames like Prosody', () => {
    const withUser = issueCredentials(SECRET, 'confab', 86400, 1699913600);
    expect(withUser).toEqual({
      username: '1700000000:confab',
      password: 'NwpuDYGU9mjjx0ocHVzXWbwMVHU=',
      ttl: 86400,
      expires: 1700000000,
    });
    const bare = issueCredentials(SECRET, undefined, 100, 1699999900);
    expect(bare.username).toBe('1700000000');
    expect(bare.password).toBe('7yFSowSkauNRBHPiuAQxEBeLlec=');
  });

  it('accepts a credential until its expiry second and rejects it after', () => {
    const { username, password } = issueCredentials(SECRET, 'bob', 60, 1000);
    expect(verifyCredentials([SECRET], username, password, 1000)).toBe('ok');
    expect(verifyCredentials([SECRET], username, password, 1060)).toBe('ok');
    expect(verifyCredentials([SECRET], username, password, 1061)).toBe('expired');
  });

  it('rejects a password made with a wrong secret, or altered', () => {
    const { username, password } = issueCredentials(SECRET, 'bob', 60, 1000);
    const forged = issueCredentials('not-the-secret', 'bob', 60, 1000);
    expect(forged.username).toBe(username);
    expect(verifyCredentials([SECRET], username, forged.password, 1000)).toBe('forged');
    expect(verifyCredentials([SECRET], username, password.replace(/^./, 'A'), 1000)).toBe('forged');
    // Changing the user or the expiry invalidates the signature.
    expect(verifyCredentials([SECRET], '1060:mallory', password, 1000)).toBe('forged');
    expect(verifyCredentials([SECRET], '9999:bob', password, 1000)).toBe('forged');
  });

  it('rotates secrets: the first issues, every listed secret verifies', () => {
    const old = issueCredentials('old-secret', 'carol', 600, 5000);
    const fresh = issueCredentials('new-secret', 'carol', 600, 5000);
    const rotation = ['new-secret', 'old-secret'];
    expect(verifyCredentials(rotation, old.username, old.password, 5001)).toBe('ok');
    expect(verifyCredentials(rotation, fresh.username, fresh.password, 5001)).toBe('ok');
    // Once the old secret is dropped, its credentials stop working.
    expect(verifyCredentials(['new-secret'], old.username, old.password, 5001)).toBe('forged');
    const candidates = candidatePasswords(rotation, fresh.username, 5001);
    expect(candidates).toEqual({ ok: true, passwords: [fresh.password, old.password] });
  });

  it('refuses usernames that do not start with an expiry', () => {
    expect(parseRestUsername('alice')).toBeUndefined();
    expect(parseRestUsername('alice:1700000000')).toBeUndefined();
    expect(parseRestUsername('')).toBeUndefined();
    expect(parseRestUsername('1700000000:a:b')).toEqual({ expires: 1700000000, user: 'a:b' });
    expect(verifyCredentials([SECRET], 'alice', restPassword(SECRET, 'alice'), 0)).toBe(
      'malformed',
    );
  });

  it('validates its arguments', () => {
    expect(() => issueCredentials('', 'x', 10)).toThrow(TypeError);
    expect(() => issueCredentials(SECRET, 'x', 0)).toThrow(TypeError);
    expect(() => issueCredentials(SECRET, 'x', 1.5)).toThrow(TypeError);
  });
});
