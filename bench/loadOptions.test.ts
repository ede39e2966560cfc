import { parseLoadOptions } from './loadOptions';

test('defaults and every option', () => {
  expect(parseLoadOptions(['--url', 'http://localhost:8080'])).toMatchObject({
    room: 'load-test',
    publishers: 1,
    subscribers: 1,
    durationS: 60,
    video: { width: 320, height: 240, fps: 15 },
    simulcast: false,
  });
  const o = parseLoadOptions([
    '--url=https://meet.example.org',
    '--room',
    'standup',
    '--publishers',
    '2',
    '--subscribers=6',
    '--duration',
    '1m30s',
    '--video-resolution',
    '640x360',
    '--video-fps',
    '30',
    '--simulcast',
  ]);
  expect(o).toMatchObject({
    room: 'standup',
    publishers: 2,
    subscribers: 6,
    durationS: 90,
    video: { width: 640, height: 360, fps: 30 },
    simulcast: true,
  });
  expect(o.url.href).toBe('https://meet.example.org/');
  expect(parseLoadOptions(['--url', 'http://x', '--duration', '30']).durationS).toBe(30);
});

test.each([
  [[], /--url is required/],
  [['--url', 'ws://x'], /--url: must be http/],
  [['--url', 'nope'], /--url: not a URL/],
  [['--url', 'http://x', '--publishers', '-1'], /--publishers: a whole number/],
  [['--url', 'http://x', '--publishers', '0', '--subscribers', '0'], /at least one/],
  [['--url', 'http://x', '--duration', '0s'], /--duration/],
  [['--url', 'http://x', '--duration', 'soon'], /--duration/],
  [['--url', 'http://x', '--video-resolution', 'big'], /--video-resolution/],
  [['--url', 'http://x', '--room', 'a b'], /--room/],
  [['--url', 'http://x', '--verbose'], /unknown option --verbose/],
  [['--url'], /--url needs a value/],
])('%j is refused with a message naming the option', (argv, message) => {
  expect(() => parseLoadOptions(argv)).toThrow(message);
});
