/**
 * The command line of `npm run load` (bench/load.ts). Pure: parses and
 * validates; a bad option gives a message that names it.
 */

export interface LoadOptions {
  /** The Confab server's web address (the web client's origin), e.g. http://localhost:8080. */
  url: URL;
  room: string;
  publishers: number;
  subscribers: number;
  durationS: number;
  video: { width: number; height: number; fps: number };
  simulcast: boolean;
}

export const LOAD_USAGE = `Usage: npm run load -- --url URL [options]

Connects real WebRTC participants (libwebrtc) to a Confab server, keeps them in
one room for a while, and prints join times, and per subscriber the received
bit rate, packet loss and decoded frame rate. Exits 1 if a participant could not
connect, 2 on a bad option.

  --url URL                 the server's web address, e.g. http://localhost:8080 (required)
  --room NAME               the room (default load-test)
  --publishers N            participants that send audio and video (default 1)
  --subscribers N           participants that only receive (default 1)
  --duration TIME           how long to stay, e.g. 30s, 2m (default 60s)
  --video-resolution WxH    publishers' camera (default 320x240)
  --video-fps N             publishers' frame rate (default 15)
  --simulcast               publishers send three simulcast layers
`;

export class LoadOptionError extends Error {
  override name = 'LoadOptionError';
}

const MAX_BOTS = 200;

export function parseLoadOptions(argv: readonly string[]): LoadOptions {
  const values = new Map<string, string>();
  let simulcast = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (flag === '--simulcast') {
      simulcast = true;
      continue;
    }
    if (
      ![
        '--url',
        '--room',
        '--publishers',
        '--subscribers',
        '--duration',
        '--video-resolution',
        '--video-fps',
      ].includes(flag ?? '')
    )
      throw new LoadOptionError(`unknown option ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--'))
      throw new LoadOptionError(`${flag} needs a value`);
    values.set(flag ?? '', value);
  }
  const rawUrl = values.get('--url');
  if (!rawUrl) throw new LoadOptionError('--url is required, e.g. --url http://localhost:8080');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new LoadOptionError(`--url: not a URL: ${rawUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new LoadOptionError(`--url: must be http:// or https://, not ${url.protocol}`);
  const room = values.get('--room') ?? 'load-test';
  if (!/^[a-z0-9._-]{1,64}$/i.test(room))
    throw new LoadOptionError(`--room: letters, digits, . _ - only (got ${room})`);
  const publishers = count('--publishers', values.get('--publishers') ?? '1');
  const subscribers = count('--subscribers', values.get('--subscribers') ?? '1');
  if (publishers + subscribers === 0)
    throw new LoadOptionError('--publishers and --subscribers: at least one participant');
  if (publishers + subscribers > MAX_BOTS)
    throw new LoadOptionError(`--publishers and --subscribers: at most ${MAX_BOTS} in all`);
  const resolution = /^(\d{2,4})x(\d{2,4})$/.exec(values.get('--video-resolution') ?? '320x240');
  if (!resolution) throw new LoadOptionError('--video-resolution: WIDTHxHEIGHT, e.g. 640x360');
  const fps = count('--video-fps', values.get('--video-fps') ?? '15');
  if (fps < 1 || fps > 60) throw new LoadOptionError('--video-fps: 1 to 60');
  return {
    url,
    room,
    publishers,
    subscribers,
    durationS: duration(values.get('--duration') ?? '60s'),
    video: { width: Number(resolution[1]), height: Number(resolution[2]), fps },
    simulcast,
  };
}

function count(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new LoadOptionError(`${flag}: a whole number, not ${value}`);
  return Number(value);
}

/** 30, 30s, 2m, 1m30s → seconds. */
function duration(value: string): number {
  const m = /^(?:(\d+)m)?(?:(\d+)s?)?$/.exec(value);
  const seconds = m && value ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
  if (!(seconds > 0 && seconds <= 24 * 3600))
    throw new LoadOptionError(`--duration: e.g. 30s or 2m, not ${value}`);
  return seconds;
}
