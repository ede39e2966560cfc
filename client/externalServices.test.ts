import { parseXml } from '../jingle/fixtures/fixtures';
import { iceServersFrom } from './externalServices';

test('STUN and TURN services become iceServers with their credentials', () => {
  const answer = parseXml(`
    <services xmlns='urn:xmpp:extdisco:2'>
      <service type='stun' host='turn.example.org' port='3478' transport='udp'/>
      <service type='turn' host='turn.example.org' port='3478' transport='udp'
               username='1700000000:alice' password='c2VjcmV0' restricted='1'/>
      <service type='turns' host='2001:db8::1' port='5349' transport='tcp' username='u' password='p'/>
      <service type='turn' host='nocreds.example.org' port='3478'/>
      <service type='ftp' host='files.example.org'/>
      <service type='stun' host='bad host' port='3478'/>
    </services>`);
  expect(iceServersFrom(answer)).toEqual([
    { urls: 'stun:turn.example.org:3478' },
    {
      urls: 'turn:turn.example.org:3478?transport=udp',
      username: '1700000000:alice',
      credential: 'c2VjcmV0',
    },
    { urls: 'turns:[2001:db8::1]:5349?transport=tcp', username: 'u', credential: 'p' },
  ]);
  expect(iceServersFrom(undefined)).toEqual([]);
});
