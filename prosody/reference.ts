/**
 * The settings of the reference deployment file prosody.cfg.lua, documented
 * for a real server: persistent storage, TLS required, federation on.
 */
import { DEFAULT_LIMITS, type ProsodySettings } from './ProsodyConfig';

export const REFERENCE_DOMAIN = 'example.org';

export const referenceSettings: ProsodySettings = {
  domain: REFERENCE_DOMAIN,
  guestDomain: `guest.${REFERENCE_DOMAIN}`,
  mucDomain: `conference.${REFERENCE_DOMAIN}`,
  focusDomain: `focus.${REFERENCE_DOMAIN}`,
  focusJid: `focus@focus.${REFERENCE_DOMAIN}`,
  focusSecret: 'CHANGE-ME-component-secret',
  ports: { c2s: 5222, s2s: 5269, component: 5347, http: 5280 },
  interfaces: {
    c2s: ['*', '::'],
    s2s: ['*', '::'],
    http: ['127.0.0.1', '::1'],
    component: ['127.0.0.1', '::1'],
  },
  dataPath: '/var/lib/prosody',
  pidFile: '/run/prosody/prosody.pid',
  storage: 'internal',
  runAsRoot: false,
  log: { level: 'info', file: '/var/log/prosody/prosody.log' },
  certificates: '/etc/prosody/certs',
  allowRegistration: false,
  c2sRequireEncryption: true,
  websocketSecure: true,
  smacksHibernationSeconds: 60,
  federation: { enabled: true, secureAuth: true, insecureDomains: [], secureDomains: [] },
  turn: {
    host: `turn.${REFERENCE_DOMAIN}`,
    port: 3478,
    secret: 'CHANGE-ME-turn-secret',
    ttl: 86400,
    tlsPort: 5349,
  },
  adminSocket: null,
  pluginPaths: [],
  limits: DEFAULT_LIMITS,
};
