import { normaliseRoomName, randomRoomName, roomFromPath } from './room';

test('room names from paths', () => {
  expect(roomFromPath('/team')).toBe('team');
  expect(roomFromPath('/Team%20Meeting/')).toBe('team-meeting');
  expect(roomFromPath('/')).toBeNull();
  expect(roomFromPath('/%E0%A4%A')).toBeNull();
  expect(roomFromPath('/a@b/c')).toBe('abc');
  expect(roomFromPath('/' + 'x'.repeat(65))).toBeNull();
  expect(normaliseRoomName('  -x- ')).toBeNull();
  expect(normaliseRoomName("o'neil&co")).toBe('oneilco');
});

test('random room names are valid room names', () => {
  for (let i = 0; i < 50; i++) {
    const name = randomRoomName();
    expect(normaliseRoomName(name)).toBe(name);
  }
});
