/**
 * Secrets generated on first start and kept in the data directory, so that
 * Prosody, the component and the TURN server share them across restarts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface Secrets {
  componentSecret: string;
  turnSecret: string;
}

export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = join(dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
    } catch {
      throw new Error(`${file} is not valid JSON; delete it to generate new secrets`);
    }
  }
  const secrets: Secrets = {
    componentSecret: stored.componentSecret ?? randomBytes(24).toString('hex'),
    turnSecret: stored.turnSecret ?? randomBytes(24).toString('hex'),
  };
  if (
    secrets.componentSecret !== stored.componentSecret ||
    secrets.turnSecret !== stored.turnSecret
  ) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  }
  return secrets;
}
