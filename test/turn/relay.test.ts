// Two real libwebrtc peers, forced to relay-only ICE with TURN REST
// credentials, exchange audio through Confab's TURN server on loopback.
import { TurnServer } from '../../turn/TurnServer';
import { createRelayPeers } from './relayPeers';
import { testTurnConfig } from './turnHarness';

describe('TurnServer relays real WebRTC media', () => {
  let server: TurnServer;

  beforeAll(async () => {
    server = new TurnServer(testTurnConfig());
    await server.start();
  });

  afterAll(() => server.close());

  it('two relay-only libwebrtc peers exchange audio through it, over channels', async () => {
    const { username, password } = server.issueCredentials('confab', 600);
    const peers = createRelayPeers({
      urls: `turn:127.0.0.1:${server.address?.port}?transport=udp`,
      username,
      credential: password,
    });
    try {
      const [a, b] = await peers.waitForMedia(5000, 20000);
      expect(a.localCandidateType).toBe('relay');
      expect(b.localCandidateType).toBe('relay');
      expect(a.remoteCandidateType).toBe('relay');
      const metrics = server.metrics();
      expect(metrics.allocationsActive).toBeGreaterThanOrEqual(2);
      expect(metrics.relayedBytesToPeer).toBeGreaterThan(5000);
      expect(metrics.relayedBytesToClient).toBeGreaterThan(5000);
      // libwebrtc moves to ChannelData once ChannelBind succeeds (it needs
      // MESSAGE-INTEGRITY on the success, which node-turn alone omits).
      expect(metrics.channelDataPackets).toBeGreaterThan(metrics.relayedPackets / 2);
      expect(metrics.authFailures).toBe(0);
      expect(metrics.internalErrors).toBe(0);
    } finally {
      peers.close();
    }
  });
});
