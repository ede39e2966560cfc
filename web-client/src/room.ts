/**
 * Rooms by URL: `/<room>` names the room. A room name becomes the local part
 * of the MUC JID, so it is normalised to characters every XMPP server and
 * every client accepts there.
 */

const MAX_LENGTH = 64;

/** The room named by a path, normalised; null for `/` or a name that cannot be a room. */
export function roomFromPath(pathname: string): string | null {
  let raw: string;
  try {
    raw = decodeURIComponent(pathname.replace(/^\/+|\/+$/g, ''));
  } catch {
    return null;
  }
  return normaliseRoomName(raw);
}

/** Lower case, spaces to dashes; null when nothing usable remains or it is too long. */
export function normaliseRoomName(raw: string): string | null {
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9._-]/g, '');
  if (name === '' || name.length > MAX_LENGTH || /^[.-]|[.-]$/.test(name)) return null;
  return name;
}

const WORDS_A = [
  'amber',
  'brisk',
  'calm',
  'daring',
  'eager',
  'fresh',
  'gentle',
  'happy',
  'jolly',
  'lucid',
  'merry',
  'nimble',
  'quiet',
  'rapid',
  'sunny',
  'vivid',
];
const WORDS_B = [
  'otter',
  'falcon',
  'maple',
  'harbor',
  'comet',
  'meadow',
  'river',
  'lantern',
  'pebble',
  'summit',
  'willow',
  'canyon',
  'orchid',
  'beacon',
  'glacier',
  'tundra',
];

/** A memorable room name such as `sunny-otter-42`. */
export function randomRoomName(random: () => number = Math.random): string {
  const pick = (words: string[]): string => words[Math.floor(random() * words.length)] ?? 'room';
  return `${pick(WORDS_A)}-${pick(WORDS_B)}-${Math.floor(random() * 90) + 10}`;
}
