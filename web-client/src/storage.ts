/**
 * What the page remembers between visits (localStorage): the display name,
 * the chosen devices and, only when the person asks for it, their account.
 * Storage can be unavailable (private windows, blocked cookies); then
 * nothing is remembered and nothing fails.
 */

const PREFIX = 'confab.';

export type StoredKey = 'displayName' | 'cameraId' | 'microphoneId' | 'account';

export function load(key: StoredKey): string | null {
  try {
    return globalThis.localStorage?.getItem(PREFIX + key) ?? null;
  } catch {
    return null;
  }
}

export function save(key: StoredKey, value: string | null): void {
  try {
    if (value === null || value === '') globalThis.localStorage?.removeItem(PREFIX + key);
    else globalThis.localStorage?.setItem(PREFIX + key, value);
  } catch {
    // Not remembered; the page still works.
  }
}
