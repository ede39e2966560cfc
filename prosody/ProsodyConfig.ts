/**
 * Renders Prosody's configuration from one typed description. The reference
 * deployment file (prosody.cfg.lua at the project root) and the embedded
 * configuration used by `make start` and by tests are both produced here, so
 * they cannot drift apart. Pure: no I/O.
 */

export interface TurnService {
  /** Host name or address clients use to reach Confab's TURN server. */
  host: string;
  port: number;
  /** Shared secret of TURN REST credentials; the same value Confab's TURN server checks. */
  secret: string;
  /** Lifetime of the credentials Prosody hands out, in seconds. */
  ttl: number;
  /** Port of a TLS-capable TURN server (turns:), shown commented out in the reference file. */
  tlsPort?: number;
}

export interface ProsodySettings {
  /** The user domain, e.g. example.org. Rooms live at conference.<domain>. */
  domain: string;
  /** Anonymous guest host for the web client, e.g. guest.example.org; null disables it. */
  guestDomain: string | null;
  mucDomain: string;
  focusDomain: string;
  /** Bare JID the focus joins rooms with; it is listed as MUC admin. */
  focusJid: string;
  focusSecret: string;
  ports: { c2s: number; s2s: number; component: number; http: number };
  /** Addresses Prosody listens on, per service. */
  interfaces: { c2s: string[]; s2s: string[]; http: string[]; component: string[] };
  dataPath: string;
  pidFile: string;
  storage: 'memory' | 'internal';
  runAsRoot: boolean;
  log: { level: 'debug' | 'info' | 'warn' | 'error'; file?: string };
  certificates?: string;
  /** Extra CA certificates to trust (a private CA of a closed federation). */
  caFile?: string;
  /** A hosts file consulted before DNS when resolving remote servers. */
  hostsFile?: string;
  /** Allow in-band registration (XEP-0077) on the user host. */
  allowRegistration: boolean;
  /** Require TLS on client connections. */
  c2sRequireEncryption: boolean;
  /** Treat WebSocket connections as secure (TLS is terminated by a proxy in front). */
  websocketSecure: boolean;
  /**
   * How long a client that vanished without closing its stream stays in rooms
   * (XEP-0198 resumption). Short, so the conference drops a crashed participant soon.
   */
  smacksHibernationSeconds: number;
  federation: {
    enabled: boolean;
    /** Require valid certificates from remote servers (no dialback-only trust). */
    secureAuth: boolean;
    /** Domains allowed to connect without valid certificates even with secureAuth. */
    insecureDomains: string[];
    /** Domains whose certificates are trusted despite secureAuth = false. */
    secureDomains: string[];
  };
  turn: TurnService | null;
  /** Path of the admin socket (prosodyctl shell); null keeps the default in dataPath. */
  adminSocket: string | null;
  /** Extra directory with Prosody modules of Confab's own. */
  pluginPaths: string[];
  limits: ProsodyLimits;
}

/** How much one connection may send (mod_limits), and the largest stanza accepted. */
export interface ProsodyLimits {
  /** Per client connection, e.g. "64kb/s" (kb = 1000 bytes) with a burst of "2s". */
  c2s: { rate: string; burst: string };
  /** Per incoming server connection (federation carries many users). */
  s2s: { rate: string; burst: string };
  /** Largest stanza, in bytes; a bigger one closes the stream with policy-violation. */
  c2sStanzaSize: number;
  s2sStanzaSize: number;
}

/**
 * One guest must not be able to take the server down for everyone. A client
 * rarely sends more than a few kilobytes a second; its largest stanza, the
 * session-accept of a full room, is about 100 kB.
 */
export const DEFAULT_LIMITS: ProsodyLimits = {
  c2s: { rate: '64kb/s', burst: '2s' },
  s2s: { rate: '256kb/s', burst: '2s' },
  c2sStanzaSize: 256 * 1024,
  s2sStanzaSize: 512 * 1024,
};

/** Whether the output is the documented reference file or a terse runtime config. */
export type RenderStyle = 'reference' | 'runtime';

export function luaString(value: string): string {
  return '"' + value.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n') + '"';
}

function luaList(values: readonly (string | number)[]): string {
  return (
    '{ ' +
    values.map((v) => (typeof v === 'number' ? String(v) : luaString(v))).join('; ') +
    (values.length ? '; }' : '}')
  );
}

function luaBool(value: boolean): string {
  return value ? 'true' : 'false';
}

export function renderProsodyConfig(s: ProsodySettings, style: RenderStyle = 'runtime'): string {
  const out: string[] = [];
  const doc = (...lines: string[]): void => {
    if (style === 'reference') out.push(...lines.map((l) => (l ? `-- ${l}` : '--')));
  };
  const line = (text = ''): void => {
    out.push(text);
  };
  const blank = (): void => {
    if (style === 'reference') out.push('');
  };

  if (style === 'reference') {
    doc(
      'Prosody configuration for a Confab deployment.',
      '',
      'This file is generated from prosody/ProsodyConfig.ts (npm run prosody-config); the',
      'embedded server that `make start` runs uses the same generator. Replace example.org',
      'with your domain and every CHANGE-ME with a long random secret (openssl rand -hex 32).',
      'Confab itself reads the same secrets from its own configuration (see README).',
    );
  } else {
    line(
      '-- Generated by Confab at start-up; edit prosody/ProsodyConfig.ts or Confab settings instead.',
    );
  }
  blank();

  doc('Process: Prosody runs in the foreground under a supervisor (systemd or Confab).');
  line(`daemonize = false`);
  if (s.runAsRoot) {
    doc('Only for throwaway development and test servers started as root.');
    line(`run_as_root = true`);
  }
  line(`pidfile = ${luaString(s.pidFile)}`);
  line(`data_path = ${luaString(s.dataPath)}`);
  if (s.pluginPaths.length) line(`plugin_paths = ${luaList(s.pluginPaths)}`);
  if (s.adminSocket) line(`admin_socket = ${luaString(s.adminSocket)}`);
  doc(
    '"internal" keeps accounts and rooms in files under data_path; "memory" forgets them on restart.',
  );
  line(`storage = ${luaString(s.storage)}`);
  const logTo = s.log.file ? `to = "file", filename = ${luaString(s.log.file)}` : 'to = "console"';
  line(`log = { { levels = { min = ${luaString(s.log.level)} }, ${logTo} } }`);
  if (s.certificates) {
    doc("Certificates: one <domain>.crt/.key pair per host (e.g. from Let's Encrypt, see README).");
    line(`certificates = ${luaString(s.certificates)}`);
  }
  if (s.caFile) line(`ssl = { cafile = ${luaString(s.caFile)} }`);
  if (s.hostsFile) line(`unbound = { hoststxt = ${luaString(s.hostsFile)} }`);
  doc(
    "Nagle's algorithm off on every socket: XMPP is small stanzas, and with it on each one",
    "waits for the peer's delayed ACK (about 40 ms per hop, several times per call set-up).",
  );
  line(`network_settings = { nagle = false }`);
  blank();

  doc(
    'Ports. c2s is for XMPP clients, s2s for federation, component for Confab (keep it on',
    'loopback or a private network), http for WebSocket/BOSH behind Confab or a reverse proxy.',
  );
  line(`c2s_ports = ${luaList([s.ports.c2s])}`);
  line(`c2s_interfaces = ${luaList(s.interfaces.c2s)}`);
  line(`c2s_direct_tls_ports = {}`);
  line(`legacy_ssl_ports = {}`);
  if (s.federation.enabled) {
    line(`s2s_ports = ${luaList([s.ports.s2s])}`);
    line(`s2s_interfaces = ${luaList(s.interfaces.s2s)}`);
  } else {
    line(`s2s_ports = {}`);
  }
  line(`s2s_direct_tls_ports = {}`);
  line(`component_ports = ${luaList([s.ports.component])}`);
  line(`component_interfaces = ${luaList(s.interfaces.component)}`);
  line(`http_ports = ${luaList([s.ports.http])}`);
  line(`http_interfaces = ${luaList(s.interfaces.http)}`);
  line(`https_ports = {}`);
  blank();

  doc('Modules on every host.');
  // prettier-ignore
  const modules = [
    'roster', 'saslauth', 'disco', 'ping', 'time', 'version', 'uptime', 'posix', 'carbons',
    'pep', 'private', 'blocklist', 'vcard4', 'vcard_legacy', 'smacks', 'csi_simple', 'mam',
    'admin_shell', 'admin_socket', 'websocket', 'bosh', 'external_services', 'limits',
  ];
  // Without certificates there is no TLS to offer (loopback-only embedded servers).
  if (s.certificates) modules.splice(2, 0, 'tls');
  if (s.federation.enabled) modules.push('dialback', 's2s_bidi');
  if (s.allowRegistration) modules.push('register');
  line(`modules_enabled = ${luaList(modules)}`);
  doc('Confab proxies WebSocket; it is same-origin for the web client.');
  line(`cross_domain_websocket = true`);
  line(`consider_websocket_secure = ${luaBool(s.websocketSecure)}`);
  line(`c2s_require_encryption = ${luaBool(s.c2sRequireEncryption)}`);
  line(`allow_unencrypted_plain_auth = ${luaBool(!s.c2sRequireEncryption)}`);
  line(`allow_registration = ${luaBool(s.allowRegistration)}`);
  line(`archive_expires_after = "1w"`);
  doc(
    'A client that drops off stays "present" this long, so it can resume; then it leaves its rooms.',
  );
  line(`smacks_hibernation_time = ${s.smacksHibernationSeconds}`);
  blank();

  doc(
    'Limits: how fast one connection may send (rate, with bursts), and the largest stanza',
    'accepted. A client over its rate is read more slowly; a stanza over the size closes its',
    'stream. They keep one flooding guest from taking the server down for everyone.',
  );
  const l = s.limits;
  line(`limits = {`);
  line(`  c2s = { rate = ${luaString(l.c2s.rate)}; burst = ${luaString(l.c2s.burst)} };`);
  line(`  s2sin = { rate = ${luaString(l.s2s.rate)}; burst = ${luaString(l.s2s.burst)} };`);
  line(`}`);
  line(`c2s_stanza_size_limit = ${l.c2sStanzaSize}`);
  line(`s2s_stanza_size_limit = ${l.s2sStanzaSize}`);
  blank();

  doc(
    'Federation (s2s). With s2s_secure_auth = true every remote server must present a',
    'certificate valid for its domain; false also accepts dialback (DNS-based) trust, which',
    'reaches more small servers but is weaker. s2s_insecure_domains lists exceptions.',
  );
  line(`s2s_require_encryption = ${luaBool(s.federation.secureAuth)}`);
  line(`s2s_secure_auth = ${luaBool(s.federation.secureAuth)}`);
  if (s.federation.insecureDomains.length)
    line(`s2s_insecure_domains = ${luaList(s.federation.insecureDomains)}`);
  if (s.federation.secureDomains.length)
    line(`s2s_secure_domains = ${luaList(s.federation.secureDomains)}`);
  blank();

  if (s.turn) {
    doc(
      "XEP-0215 external services: clients ask Prosody for STUN/TURN and receive Confab's TURN",
      'with time-limited REST credentials (username "<expiry>:<user>", password',
      "base64(HMAC-SHA1(secret, username))). Confab's turn.secrets must hold the same secret.",
    );
    line(`external_service_secret = ${luaString(s.turn.secret)}`);
    line(`external_service_ttl = ${s.turn.ttl}`);
    const services = [
      `{ type = "stun", transport = "udp", host = ${luaString(s.turn.host)}, port = ${s.turn.port} }`,
      `{ type = "turn", transport = "udp", host = ${luaString(s.turn.host)}, port = ${s.turn.port}, secret = true, algorithm = "turn" }`,
    ];
    line(`external_services = {`);
    for (const svc of services) line(`  ${svc};`);
    if (s.turn.tlsPort) {
      // Confab's TURN relays over UDP only; turns needs a TURN server that speaks TLS.
      doc(
        "  Confab's built-in TURN is UDP only. With a TLS-capable TURN server (e.g. coturn) on the",
        '  same secret, add turns; in Prosody 0.12 it needs algorithm = "turn" to get credentials:',
      );
      if (style === 'reference') {
        out.push(
          `--   { type = "turns", transport = "tcp", host = ${luaString(s.turn.host)}, port = ${s.turn.tlsPort}, secret = true, algorithm = "turn" };`,
        );
      }
    }
    line(`}`);
    blank();
  }

  doc('Users with accounts.');
  line(`VirtualHost ${luaString(s.domain)}`);
  line(`  authentication = "internal_hashed"`);
  blank();

  if (s.guestDomain) {
    doc('Guests of the web client log in anonymously here; they can join rooms but not federate.');
    line(`VirtualHost ${luaString(s.guestDomain)}`);
    line(`  authentication = "anonymous"`);
    line(`  allow_anonymous_s2s = false`);
    doc(
      '  A guest who drops off comes back as a new anonymous user, so its old session goes soon.',
    );
    line(`  smacks_hibernation_time = ${Math.min(10, s.smacksHibernationSeconds)}`);
    line(
      `  modules_disabled = { "mam"; "carbons"; "pep"; "vcard4"; "vcard_legacy"; "private"; "blocklist"; }`,
    );
    blank();
  }

  doc(
    'Group chat rooms (XEP-0045). The focus is admin, hence owner and moderator of every room.',
    'Rooms open at once (no locked instant rooms) so the web client can join by URL.',
  );
  line(`Component ${luaString(s.mucDomain)} "muc"`);
  line(`  admins = ${luaList([s.focusJid])}`);
  line(`  modules_enabled = { "muc_mam"; }`);
  line(`  muc_room_locking = false`);
  line(`  muc_room_default_public = false`);
  line(`  muc_room_default_persistent = false`);
  line(`  muc_room_default_public_jids = false`);
  line(`  muc_room_default_history_length = 20`);
  line(`  muc_tombstones = false`);
  blank();

  doc(
    "The Confab focus connects here over XEP-0114. component_secret must match Confab's",
    'focus.component-secret; kick_old lets a restarted focus replace its stale connection.',
  );
  line(`Component ${luaString(s.focusDomain)}`);
  line(`  component_secret = ${luaString(s.focusSecret)}`);
  line(`  component_conflict_resolve = "kick_old"`);
  return out.join('\n') + '\n';
}
