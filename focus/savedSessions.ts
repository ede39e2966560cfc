/**
 * Who had a session with the focus, kept outside the process so that a
 * restarted focus can bring everyone back (see Recovery). Plain data: where
 * it is kept (a file in the data directory) is decided at the edge.
 */

export interface SavedSession {
  /** The occupant's nick: a person who reconnects comes back under it. */
  nick: string;
  /** The full JID the session was with. */
  jid: string;
  sid: string;
}

export interface SavedConference {
  room: string;
  sessions: SavedSession[];
}

export interface SavedState {
  /** When it was written (ms since the epoch): an old state is not restored. */
  savedAt: number;
  conferences: SavedConference[];
}

export interface SessionStore {
  load(): SavedState | null;
  save(state: SavedState): void;
}

/** Reads a saved state, or null if it is not one (a damaged file must not stop start-up). */
export function parseSavedState(value: unknown): SavedState | null {
  if (typeof value !== 'object' || value === null) return null;
  const { savedAt, conferences } = value as Record<string, unknown>;
  if (typeof savedAt !== 'number' || !Array.isArray(conferences)) return null;
  const result: SavedConference[] = [];
  for (const c of conferences as unknown[]) {
    const { room, sessions } = (c ?? {}) as Record<string, unknown>;
    if (typeof room !== 'string' || !Array.isArray(sessions)) return null;
    const valid = (sessions as unknown[]).filter(
      (s): s is SavedSession =>
        typeof s === 'object' &&
        s !== null &&
        ['nick', 'jid', 'sid'].every((k) => typeof (s as Record<string, unknown>)[k] === 'string'),
    );
    result.push({ room, sessions: valid });
  }
  return { savedAt, conferences: result };
}
