// The dominant speaker is announced to the room as a bodiless groupchat
// message that every occupant receives, ordinary XMPP clients included.
import { startTestConfab, type TestConfab } from '../harness/confab';

let world: TestConfab;
beforeAll(async () => {
  world = await startTestConfab();
});
afterAll(() => world?.stop());

test('the loudest participant is announced as dominant speaker', async () => {
  const room = world.room('speakers');
  const speakers: string[] = [];
  const quiet = await world.bot('quiet', room, { audio: { level: 0.002 }, video: false });
  const listener = await world.bot('listener', room, { audio: false, video: false });
  listener.on('speaker', (nick) => speakers.push(nick));
  await world.bot('loud', room, { audio: { level: 0.6, frequency: 300 }, video: false });
  const deadline = Date.now() + 20000;
  while (!speakers.includes('loud') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  expect(speakers).toContain('loud');
  expect(speakers).not.toContain('listener');
  expect(quiet.occupants.has('focus')).toBe(true);
});
