/**
 * Settings of the embedded Prosody that Confab runs itself (make start, tests):
 * one domain with its guest, MUC and focus hosts, memory storage by default,
 * plain connections on loopback, and the same structure as the reference file.
 */
import { join } from 'node:path';
import { DEFAULT_LIMITS, type ProsodySettings, type TurnService } from './ProsodyConfig';

export interface EmbeddedProsodyOptions {
  domain: string;
  dataDir: string;
  focusSecret: string;
  ports: ProsodySettings['ports'];
  /** Where client ports listen; loopback by default. */
  listen?: string[];
  storage?: ProsodySettings['storage'];
  turn?: TurnService | null;
  allowRegistration?: boolean;
  federation?: Partial<ProsodySettings['federation']> & { enabled: boolean };
  certificates?: string;
  caFile?: string;
  hostsFile?: string;
  logLevel?: ProsodySettings['log']['level'];
  smacksHibernationSeconds?: number;
}

export function embeddedProsodySettings(o: EmbeddedProsodyOptions): ProsodySettings {
  const listen = o.listen ?? ['127.0.0.1'];
  return {
    domain: o.domain,
    guestDomain: `guest.${o.domain}`,
    mucDomain: `conference.${o.domain}`,
    focusDomain: `focus.${o.domain}`,
    focusJid: `focus@focus.${o.domain}`,
    focusSecret: o.focusSecret,
    ports: o.ports,
    interfaces: { c2s: listen, s2s: listen, http: ['127.0.0.1'], component: ['127.0.0.1'] },
    dataPath: o.dataDir,
    pidFile: join(o.dataDir, 'prosody.pid'),
    storage: o.storage ?? 'memory',
    runAsRoot: process.getuid?.() === 0,
    log: { level: o.logLevel ?? 'info' },
    certificates: o.certificates,
    caFile: o.caFile,
    hostsFile: o.hostsFile,
    allowRegistration: o.allowRegistration ?? false,
    c2sRequireEncryption: false,
    websocketSecure: true,
    smacksHibernationSeconds: o.smacksHibernationSeconds ?? 60,
    federation: {
      enabled: o.federation?.enabled ?? false,
      secureAuth: o.federation?.secureAuth ?? false,
      insecureDomains: o.federation?.insecureDomains ?? [],
      secureDomains: o.federation?.secureDomains ?? [],
    },
    turn: o.turn ?? null,
    adminSocket: null,
    pluginPaths: [],
    limits: DEFAULT_LIMITS,
  };
}
