// The fake SFU's synthetic tracks behave like the real ones where the
// conference can tell: consumable by id, selections checked, closes cascade.
import { InvalidStateError } from '../../common/errors';
import { FakeSfu, type FakeVideoSwitch } from './fakeSfu';

test('mixes and switches of the fake SFU: consumable, checked, counted and closed with the room', async () => {
  const sfu = new FakeSfu();
  const room = await sfu.createRoom('r');
  const alice = await room.createEndpoint('alice');
  const camera = await alice.produce({
    kind: 'video',
    rtpParameters: { codecs: [] },
    appData: { participantId: 'alice', contentName: 'video' },
  });
  const mic = await alice.produce({
    kind: 'audio',
    rtpParameters: { codecs: [] },
    appData: { participantId: 'alice', contentName: 'audio' },
  });
  const mix = await room.createAudioMix({ exclude: 'bob' });
  const videoSwitch = (await room.createVideoSwitch({ exclude: 'bob' })) as FakeVideoSwitch;
  expect(sfu.counts()).toMatchObject({ mixers: 1, switches: 1 });

  const bob = await room.createEndpoint('bob');
  const heard = await bob.consume(mix.id, sfu.rtpCapabilities, 'm0');
  const seen = await bob.consume(videoSwitch.id, sfu.rtpCapabilities, 'm1');
  expect(heard?.kind).toBe('audio');
  expect(seen?.kind).toBe('video');

  const switched: (string | null)[] = [];
  videoSwitch.on('switched', (id) => switched.push(id));
  expect(await videoSwitch.select(mic.id)).toBe(false);
  expect(await videoSwitch.select(mix.id)).toBe(false);
  expect(await videoSwitch.select(camera.id)).toBe(true);
  const bobCamera = await bob.produce({
    kind: 'video',
    rtpParameters: { codecs: [] },
    appData: { participantId: 'bob', contentName: 'video' },
  });
  expect(await videoSwitch.select(bobCamera.id)).toBe(false);
  expect(switched).toEqual([camera.id]);
  expect(videoSwitch.source).toBe(camera.id);

  room.close();
  expect(mix.closed && videoSwitch.closed && heard?.closed && seen?.closed).toBe(true);
  expect(sfu.counts()).toMatchObject({ mixers: 0, switches: 0 });
  await expect(videoSwitch.select(null)).rejects.toThrow(InvalidStateError);
  await expect(room.createAudioMix()).rejects.toThrow(InvalidStateError);
});
