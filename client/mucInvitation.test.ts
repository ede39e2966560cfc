import { parseXml } from '../jingle/fixtures/fixtures';
import { directInvitation, parseInvitation } from './mucInvitation';

test('a direct invitation carries the room, the reason with the link, and a body', () => {
  const message = directInvitation('bob@example.org', {
    room: 'team@conference.example.org',
    reason: 'Join us in team: https://meet.example.org/team',
  });
  expect(message.attrs.to).toBe('bob@example.org');
  const x = message.getChild('x', 'jabber:x:conference');
  expect(x?.attrs).toEqual({
    xmlns: 'jabber:x:conference',
    jid: 'team@conference.example.org',
    reason: 'Join us in team: https://meet.example.org/team',
  });
  expect(message.getChildText('body')).toBe('Join us in team: https://meet.example.org/team');
  message.attrs.from = 'alice@example.org/web';
  expect(parseInvitation(message)).toEqual({
    room: 'team@conference.example.org',
    from: 'alice@example.org/web',
    kind: 'direct',
    reason: 'Join us in team: https://meet.example.org/team',
    url: 'https://meet.example.org/team',
  });
});

test('a mediated invitation (XEP-0045) is read from the room', () => {
  const message = parseXml(`
    <message from='team@conference.example.org' to='bob@example.org'>
      <x xmlns='http://jabber.org/protocol/muc#user'>
        <invite from='alice@example.org/web'><reason>Come in: http://localhost:8080/team.</reason></invite>
        <password>secret</password>
      </x>
    </message>`);
  expect(parseInvitation(message)).toEqual({
    room: 'team@conference.example.org',
    from: 'alice@example.org/web',
    kind: 'mediated',
    reason: 'Come in: http://localhost:8080/team.',
    url: 'http://localhost:8080/team',
    password: 'secret',
  });
});

test('messages that are not invitations, or are malformed, give null', () => {
  expect(parseInvitation(parseXml(`<message from='a@b/c'><body>hi</body></message>`))).toBeNull();
  expect(
    parseInvitation(
      parseXml(`<message from='a@b/c'><x xmlns='jabber:x:conference' jid='no-at-sign'/></message>`),
    ),
  ).toBeNull();
  expect(
    parseInvitation(
      parseXml(
        `<message type='error' from='a@b/c'><x xmlns='jabber:x:conference' jid='r@muc'/></message>`,
      ),
    ),
  ).toBeNull();
  expect(
    parseInvitation(
      parseXml(`<message from='a@b/c'><x xmlns='jabber:x:conference' jid='r@muc/nick'/></message>`),
    ),
  ).toBeNull();
});
