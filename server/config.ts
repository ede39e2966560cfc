/**
 * Configuration of the Confab process itself (`server.*`) and of its link to
 * Prosody (`prosody.*`). Defaults give the embedded localhost set-up that
 * `make start` runs.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { ConfigReader } from '../common/config';

export const SERVER_KEYS = [
  'server.domain',
  'server.http-address',
  'server.http-port',
  'server.public-url',
  'server.data-dir',
  'prosody.embedded',
  'prosody.listen',
  'prosody.c2s-port',
  'prosody.s2s-port',
  'prosody.component-host',
  'prosody.component-port',
  'prosody.component-secret',
  'prosody.http-port',
  'prosody.storage',
  'prosody.allow-registration',
  'prosody.federation',
  'prosody.s2s-secure-auth',
  'prosody.certificates',
  'prosody.ca-file',
  'prosody.hosts-file',
  'prosody.session-hibernation',
] as const;

export interface ServerConfig {
  domain: string;
  http: { address: string; port: number };
  /** The URL people open; room links are built from it. */
  publicUrl: string;
  dataDir: string;
  prosody: {
    /** Run Prosody as a child process (true) or connect to an existing one. */
    embedded: boolean;
    listen: string[];
    c2sPort: number;
    s2sPort: number;
    componentHost: string;
    /** 0 picks a free port (embedded only). */
    componentPort: number;
    /** Generated and kept in the data directory when embedded and unset. */
    componentSecret: string | undefined;
    /** Prosody's HTTP port (WebSocket); 0 picks a free port (embedded only). */
    httpPort: number;
    storage: 'memory' | 'internal';
    allowRegistration: boolean;
    federation: boolean;
    /** Require valid certificates from remote servers (s2s_secure_auth). */
    s2sSecureAuth: boolean;
    certificates: string | undefined;
    /** Extra CA certificates Prosody trusts (private federations). */
    caFile: string | undefined;
    /** A hosts file Prosody consults before DNS for remote servers. */
    hostsFile: string | undefined;
    /** Seconds a vanished client stays in rooms before it is dropped. */
    sessionHibernation: number;
  };
}

const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function readServerConfig(r: ConfigReader, projectRoot: string): ServerConfig {
  const domain = r.string('server.domain', 'localhost', DOMAIN);
  const port = r.port('server.http-port', 8080);
  const address = r.string('server.http-address', '127.0.0.1');
  const dataDir = r.string('server.data-dir', join(projectRoot, 'var'));
  const embedded = r.bool('prosody.embedded', true);
  return {
    domain,
    http: { address, port },
    publicUrl: r
      .string(
        'server.public-url',
        `http://${domain === 'localhost' ? 'localhost' : domain}:${port}`,
        /^https?:\/\/[^/]+/,
      )
      .replace(/\/$/, ''),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(projectRoot, dataDir),
    prosody: {
      embedded,
      listen: r.list('prosody.listen', ['127.0.0.1']),
      c2sPort: r.port('prosody.c2s-port', 5222),
      s2sPort: r.port('prosody.s2s-port', 5269),
      componentHost: r.string('prosody.component-host', '127.0.0.1'),
      componentPort: r.port('prosody.component-port', embedded ? 0 : 5347, embedded),
      componentSecret: embedded
        ? r.optionalString('prosody.component-secret')
        : r.string('prosody.component-secret'),
      httpPort: r.port('prosody.http-port', embedded ? 0 : 5280, embedded),
      storage: r.oneOf('prosody.storage', 'memory', ['memory', 'internal'] as const),
      allowRegistration: r.bool('prosody.allow-registration', embedded),
      federation: r.bool('prosody.federation', false),
      certificates: r.optionalString('prosody.certificates'),
      s2sSecureAuth: r.bool('prosody.s2s-secure-auth', r.has('prosody.certificates')),
      caFile: r.optionalString('prosody.ca-file'),
      hostsFile: r.optionalString('prosody.hosts-file'),
      sessionHibernation: r.int('prosody.session-hibernation', 60, 1, 3600),
    },
  };
}
