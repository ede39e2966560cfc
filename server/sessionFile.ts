/**
 * The focus's saved sessions as a small JSON file in the data directory,
 * written atomically (a new file, then rename), so that a restarted focus
 * can bring its participants back.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSavedState, type SavedState, type SessionStore } from '../focus/savedSessions';

export function sessionFile(path: string): SessionStore {
  return {
    load(): SavedState | null {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return null; // nothing saved yet
      }
      try {
        return parseSavedState(JSON.parse(text));
      } catch {
        return null;
      }
    },
    save(state: SavedState): void {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify(state), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    },
  };
}
