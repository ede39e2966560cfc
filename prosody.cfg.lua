-- Prosody configuration for a Confab deployment.
--
-- This file is generated from prosody/ProsodyConfig.ts (npm run prosody-config); the
-- embedded server that `make start` runs uses the same generator. Replace example.org
-- with your domain and every CHANGE-ME with a long random secret (openssl rand -hex 32).
-- Confab itself reads the same secrets from its own configuration (see README).

-- Process: Prosody runs in the foreground under a supervisor (systemd or Confab).
daemonize = false
pidfile = "/run/prosody/prosody.pid"
data_path = "/var/lib/prosody"
-- "internal" keeps accounts and rooms in files under data_path; "memory" forgets them on restart.
storage = "internal"
log = { { levels = { min = "info" }, to = "file", filename = "/var/log/prosody/prosody.log" } }
-- Certificates: one <domain>.crt/.key pair per host (e.g. from Let's Encrypt, see README).
certificates = "/etc/prosody/certs"
-- Nagle's algorithm off on every socket: XMPP is small stanzas, and with it on each one
-- waits for the peer's delayed ACK (about 40 ms per hop, several times per call set-up).
network_settings = { nagle = false }

-- Ports. c2s is for XMPP clients, s2s for federation, component for Confab (keep it on
-- loopback or a private network), http for WebSocket/BOSH behind Confab or a reverse proxy.
c2s_ports = { 5222; }
c2s_interfaces = { "*"; "::"; }
c2s_direct_tls_ports = {}
legacy_ssl_ports = {}
s2s_ports = { 5269; }
s2s_interfaces = { "*"; "::"; }
s2s_direct_tls_ports = {}
component_ports = { 5347; }
component_interfaces = { "127.0.0.1"; "::1"; }
http_ports = { 5280; }
http_interfaces = { "127.0.0.1"; "::1"; }
https_ports = {}

-- Modules on every host.
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "time"; "version"; "uptime"; "posix"; "carbons"; "pep"; "private"; "blocklist"; "vcard4"; "vcard_legacy"; "smacks"; "csi_simple"; "mam"; "admin_shell"; "admin_socket"; "websocket"; "bosh"; "external_services"; "limits"; "dialback"; "s2s_bidi"; }
-- Confab proxies WebSocket; it is same-origin for the web client.
cross_domain_websocket = true
consider_websocket_secure = true
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
allow_registration = false
archive_expires_after = "1w"
-- A client that drops off stays "present" this long, so it can resume; then it leaves its rooms.
smacks_hibernation_time = 60

-- Limits: how fast one connection may send (rate, with bursts), and the largest stanza
-- accepted. A client over its rate is read more slowly; a stanza over the size closes its
-- stream. They keep one flooding guest from taking the server down for everyone.
limits = {
  c2s = { rate = "64kb/s"; burst = "2s" };
  s2sin = { rate = "256kb/s"; burst = "2s" };
}
c2s_stanza_size_limit = 262144
s2s_stanza_size_limit = 524288

-- Federation (s2s). With s2s_secure_auth = true every remote server must present a
-- certificate valid for its domain; false also accepts dialback (DNS-based) trust, which
-- reaches more small servers but is weaker. s2s_insecure_domains lists exceptions.
s2s_require_encryption = true
s2s_secure_auth = true

-- XEP-0215 external services: clients ask Prosody for STUN/TURN and receive Confab's TURN
-- with time-limited REST credentials (username "<expiry>:<user>", password
-- base64(HMAC-SHA1(secret, username))). Confab's turn.secrets must hold the same secret.
external_service_secret = "CHANGE-ME-turn-secret"
external_service_ttl = 86400
external_services = {
  { type = "stun", transport = "udp", host = "turn.example.org", port = 3478 };
  { type = "turn", transport = "udp", host = "turn.example.org", port = 3478, secret = true, algorithm = "turn" };
--   Confab's built-in TURN is UDP only. With a TLS-capable TURN server (e.g. coturn) on the
--   same secret, add turns; in Prosody 0.12 it needs algorithm = "turn" to get credentials:
--   { type = "turns", transport = "tcp", host = "turn.example.org", port = 5349, secret = true, algorithm = "turn" };
}

-- Users with accounts.
VirtualHost "example.org"
  authentication = "internal_hashed"

-- Guests of the web client log in anonymously here; they can join rooms but not federate.
VirtualHost "guest.example.org"
  authentication = "anonymous"
  allow_anonymous_s2s = false
--   A guest who drops off comes back as a new anonymous user, so its old session goes soon.
  smacks_hibernation_time = 10
  modules_disabled = { "mam"; "carbons"; "pep"; "vcard4"; "vcard_legacy"; "private"; "blocklist"; }

-- Group chat rooms (XEP-0045). The focus is admin, hence owner and moderator of every room.
-- Rooms open at once (no locked instant rooms) so the web client can join by URL.
Component "conference.example.org" "muc"
  admins = { "focus@focus.example.org"; }
  modules_enabled = { "muc_mam"; }
  muc_room_locking = false
  muc_room_default_public = false
  muc_room_default_persistent = false
  muc_room_default_public_jids = false
  muc_room_default_history_length = 20
  muc_tombstones = false

-- The Confab focus connects here over XEP-0114. component_secret must match Confab's
-- focus.component-secret; kick_old lets a restarted focus replace its stale connection.
Component "focus.example.org"
  component_secret = "CHANGE-ME-component-secret"
  component_conflict_resolve = "kick_old"
