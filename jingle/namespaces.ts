/** XML namespaces of the XEPs this library reads and writes. */
export const NS = {
  /** XEP-0166 Jingle. */
  JINGLE: 'urn:xmpp:jingle:1',
  /** XEP-0166 Jingle error conditions. */
  JINGLE_ERRORS: 'urn:xmpp:jingle:errors:1',
  /** XEP-0167 Jingle RTP sessions. */
  RTP: 'urn:xmpp:jingle:apps:rtp:1',
  /** XEP-0167 session-info payloads. */
  RTP_INFO: 'urn:xmpp:jingle:apps:rtp:info:1',
  /** XEP-0176 ICE-UDP transport. */
  ICE_UDP: 'urn:xmpp:jingle:transports:ice-udp:1',
  /** XEP-0320 DTLS-SRTP fingerprints. */
  DTLS: 'urn:xmpp:jingle:apps:dtls:0',
  /** XEP-0338 content grouping (BUNDLE). */
  GROUPING: 'urn:xmpp:jingle:apps:grouping:0',
  /** XEP-0339 source-specific media attributes (source, ssrc-group). */
  SSMA: 'urn:xmpp:jingle:apps:rtp:ssma:0',
  /** XEP-0293 RTCP feedback. */
  RTCP_FB: 'urn:xmpp:jingle:apps:rtp:rtcp-fb:0',
  /** XEP-0294 RTP header extensions (and extmap-allow-mixed). */
  RTP_HDREXT: 'urn:xmpp:jingle:apps:rtp:rtp-hdrext:0',
  /** SCTP data channel element used by Jitsi and Conversations. */
  DTLS_SCTP: 'urn:xmpp:jingle:transports:dtls-sctp:1',
  /** Jitsi's source annotations (`<ssrc-info owner=…/>` inside a XEP-0339 source). */
  JITMEET: 'http://jitsi.org/jitmeet',
  /** RFC 6120 stanza errors. */
  STANZAS: 'urn:ietf:params:xml:ns:xmpp-stanzas',
} as const;
