// A simulcast sender reaches a receiver that asked for the lowest layer at
// that layer's resolution, and another receiver at full resolution.
import { startTestConfab, type TestConfab } from '../harness/confab';
import { stanzaErrorOf } from '../harness/errors';

let world: TestConfab;
beforeAll(async () => {
  world = await startTestConfab();
});
afterAll(() => world?.stop());

test('receive constraints select the simulcast layer', async () => {
  const room = world.room('layers');
  await world.bot('sender', room, {
    video: { width: 640, height: 360, fps: 15 },
    simulcast: 2,
    audio: false,
  });
  const low = await world.bot('low', room, { video: false, audio: false });
  const high = await world.bot('high', room, { video: false, audio: false });
  const videoContent = (
    await low.waitForStats((s) => s.some((t) => t.kind === 'video' && t.framesDecoded > 0), 'video')
  ).find((t) => t.kind === 'video')?.content;
  if (!videoContent) throw new Error('no video content');
  const conference = world.confab.focus.conference(room);
  const sender = [...(conference?.participants.values() ?? [])].find((p) => p.nick === 'sender');
  expect(sender?.sent.get('video')?.producer.layers).toBe(2);

  await low.setMaxLayer(videoContent, 0);

  const lowStats = await low.waitForStats(
    (s) =>
      s.some(
        (t) =>
          t.kind === 'video' && t.frameHeight > 0 && t.frameHeight <= 180 && t.framesDecoded > 10,
      ),
    'the low layer',
    30000,
  );
  const highStats = await high.waitForStats(
    (s) => s.some((t) => t.kind === 'video' && t.frameHeight === 360),
    'the full layer',
    30000,
  );
  expect(lowStats.find((t) => t.kind === 'video')?.frameHeight).toBe(180);
  expect(highStats.find((t) => t.kind === 'video')?.frameWidth).toBe(640);

  // Asking for audio or an unknown content is refused.
  const audioError = await stanzaErrorOf(low.setMaxLayer('nonexistent', 0));
  expect(audioError.condition).toBe('item-not-found');
});
