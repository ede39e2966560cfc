import xml from '@xmpp/xml';
import { iceServersFrom, NS_EXTDISCO } from './extdisco';

test('XEP-0215 services become ICE servers; TURN without credentials is skipped', () => {
  const services = xml(
    'services',
    { xmlns: NS_EXTDISCO },
    xml('service', { type: 'stun', host: 'turn.example.org', port: 3478, transport: 'udp' }),
    xml('service', {
      type: 'turn',
      host: 'turn.example.org',
      port: 3478,
      transport: 'udp',
      username: '1700000000:u',
      password: 'p',
    }),
    xml('service', {
      type: 'turns',
      host: '2001:db8::1',
      port: 5349,
      transport: 'tcp',
      username: 'u',
      password: 'p',
    }),
    xml('service', { type: 'turn', host: 'nocreds.example.org', port: 3478 }),
    xml('service', { type: 'ftp', host: 'x.example.org' }),
  );
  expect(iceServersFrom(services)).toEqual([
    { urls: 'stun:turn.example.org:3478' },
    { urls: 'turn:turn.example.org:3478?transport=udp', username: '1700000000:u', credential: 'p' },
    { urls: 'turns:[2001:db8::1]:5349?transport=tcp', username: 'u', credential: 'p' },
  ]);
  expect(iceServersFrom(undefined)).toEqual([]);
});
