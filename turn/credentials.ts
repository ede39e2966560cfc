/**
 * TURN REST credentials, as Prosody's mod_external_services (algorithm "turn")
 * and mod_turn_external issue them (draft-uberti-behave-turn-rest-00):
 *
 *   username = "<expiry unix seconds>:<user>"  or just  "<expiry unix seconds>"
 *   password = base64(HMAC-SHA1(shared secret, username))
 *
 * A credential is valid until its expiry second (inclusive). Several secrets
 * may be accepted at once so that the secret can be rotated: the first one
 * issues, every one verifies. Pure: no I/O; time is passed in.
 */
import { createHmac } from 'node:crypto';

export interface TurnCredentials {
  username: string;
  password: string;
  /** Seconds the credential is valid for, as XEP-0215 advertises it. */
  ttl: number;
  /** Unix time (seconds) after which the credential is refused. */
  expires: number;
}

export interface RestUsername {
  expires: number;
  /** The part after the colon, if any. */
  user: string | undefined;
}

/** password = base64(HMAC-SHA1(secret, username)), Prosody's exact derivation. */
export function restPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}

/** Issues a credential signed with `secret` (the first of the rotation list). */
export function issueCredentials(
  secret: string,
  user: string | undefined,
  ttlSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): TurnCredentials {
  if (secret === '') throw new TypeError('issueCredentials: empty secret');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new TypeError(
      `issueCredentials: ttlSeconds must be a positive integer, got ${ttlSeconds}`,
    );
  }
  const expires = Math.floor(nowSeconds) + ttlSeconds;
  const username = user === undefined || user === '' ? `${expires}` : `${expires}:${user}`;
  return { username, password: restPassword(secret, username), ttl: ttlSeconds, expires };
}

/** Splits a REST username; undefined when it does not start with an expiry. */
export function parseRestUsername(username: string): RestUsername | undefined {
  const match = /^(\d{1,12})(?::(.*))?$/s.exec(username);
  if (!match?.[1]) return undefined;
  return { expires: Number(match[1]), user: match[2] };
}

export type CandidateResult =
  { ok: true; passwords: string[] } | { ok: false; reason: 'malformed' | 'expired' };

/**
 * The passwords a request signed by `username` may have used, one per secret,
 * first secret first. Expired and malformed usernames have none. The caller
 * checks the STUN MESSAGE-INTEGRITY against each (see stun/message.ts).
 */
export function candidatePasswords(
  secrets: readonly string[],
  username: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): CandidateResult {
  const parsed = parseRestUsername(username);
  if (!parsed) return { ok: false, reason: 'malformed' };
  if (parsed.expires < Math.floor(nowSeconds)) return { ok: false, reason: 'expired' };
  return { ok: true, passwords: secrets.map((secret) => restPassword(secret, username)) };
}

export type VerifyResult = 'ok' | 'malformed' | 'expired' | 'forged';

/** Checks a username/password pair against the accepted secrets. */
export function verifyCredentials(
  secrets: readonly string[],
  username: string,
  password: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  const candidates = candidatePasswords(secrets, username, nowSeconds);
  if (!candidates.ok) return candidates.reason;
  return candidates.passwords.includes(password) ? 'ok' : 'forged';
}
