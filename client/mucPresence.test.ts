import { parseXml } from '../jingle/fixtures/fixtures';
import { joinPresence, leavePresence, parseMucPresence } from './mucPresence';

const ROOM = 'team@conference.example.org';

test('an occupant with the real JID a moderator sees', () => {
  const p = parseMucPresence(
    parseXml(`<presence from='team@conference.example.org/Bob'>
      <x xmlns='http://jabber.org/protocol/muc#user'>
        <item jid='bob@example.org/web' role='moderator' affiliation='owner'/>
      </x></presence>`),
    ROOM,
  );
  expect(p).toMatchObject({
    nick: 'Bob',
    kind: 'available',
    self: false,
    realJid: 'bob@example.org/web',
    role: 'moderator',
    affiliation: 'owner',
    newNick: undefined,
    removal: undefined,
  });
});

test('ourselves, a nick change, a kick and a destroyed room', () => {
  const read = (xml: string) => parseMucPresence(parseXml(xml), ROOM);
  expect(
    read(`<presence from='team@conference.example.org/me'>
      <x xmlns='http://jabber.org/protocol/muc#user'><item role='participant'/><status code='110'/></x></presence>`),
  ).toMatchObject({ self: true, kind: 'available' });
  expect(
    read(`<presence from='team@conference.example.org/Bob' type='unavailable'>
      <x xmlns='http://jabber.org/protocol/muc#user'><item nick='Robert'/><status code='303'/></x></presence>`),
  ).toMatchObject({ kind: 'unavailable', newNick: 'Robert', removal: undefined });
  expect(
    read(`<presence from='team@conference.example.org/Bob' type='unavailable'>
      <x xmlns='http://jabber.org/protocol/muc#user'><item/><status code='307'/></x></presence>`),
  ).toMatchObject({ removal: 'kicked' });
  expect(
    read(`<presence from='team@conference.example.org/Bob' type='unavailable'>
      <x xmlns='http://jabber.org/protocol/muc#user'><destroy/></x></presence>`),
  ).toMatchObject({ removal: 'destroyed' });
});

test('presence from elsewhere, and subscriptions, are no room presence', () => {
  expect(
    parseMucPresence(parseXml(`<presence from='other@conference.example.org/x'/>`), ROOM),
  ).toBeNull();
  expect(
    parseMucPresence(
      parseXml(`<presence from='team@conference.example.org/x' type='subscribe'/>`),
      ROOM,
    ),
  ).toBeNull();
  expect(
    parseMucPresence(parseXml(`<message from='team@conference.example.org/x'/>`), ROOM),
  ).toBeNull();
  expect(
    parseMucPresence(parseXml(`<presence from='TEAM@conference.example.org/x'/>`), ROOM),
  ).toMatchObject({
    nick: 'x',
  });
});

test('join and leave stanzas', () => {
  expect(joinPresence(ROOM, 'Bob', { from: 'focus@f/focus' }).toString()).toBe(
    `<presence to="${ROOM}/Bob" from="focus@f/focus"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>`,
  );
  expect(leavePresence(ROOM, 'Bob').toString()).toBe(
    `<presence to="${ROOM}/Bob" type="unavailable"/>`,
  );
});
