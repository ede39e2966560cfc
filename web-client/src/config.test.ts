import { parseClientConfig, websocketUrl } from './config';

const good = {
  domain: 'example.org',
  guestDomain: 'guest.example.org',
  mucDomain: 'conference.example.org',
  focusDomain: 'focus.example.org',
  websocketPath: '/xmpp-websocket',
};

test('client configuration is checked and gives a same-origin WebSocket URL', () => {
  const config = parseClientConfig(good);
  expect(websocketUrl(config, { protocol: 'https:', host: 'meet.example.org' })).toBe(
    'wss://meet.example.org/xmpp-websocket',
  );
  expect(websocketUrl(config, { protocol: 'http:', host: '127.0.0.1:8080' })).toBe(
    'ws://127.0.0.1:8080/xmpp-websocket',
  );
  expect(() => parseClientConfig({ ...good, mucDomain: '' })).toThrow(
    'The server configuration has no mucDomain.',
  );
  expect(() => parseClientConfig('nope')).toThrow('unreadable');
});
