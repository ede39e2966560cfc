/**
 * Reads the whole configuration of the Confab process once, at start-up:
 * every area's keys, with the secrets Confab generates itself (component and
 * TURN) filled in from the data directory when they are not configured.
 */
import { ConfigReader, type RawSettings } from '../common/config';
import { FOCUS_KEYS, readFocusConfig, type FocusConfig } from '../focus/config';
import { readTurnConfig, TURN_CONFIG_KEYS, type TurnConfig } from '../turn/config';
import { readServerConfig, SERVER_KEYS, type ServerConfig } from './config';
import { loadOrCreateSecrets } from './secrets';

export const ALL_KEYS: readonly string[] = [...SERVER_KEYS, ...FOCUS_KEYS, ...TURN_CONFIG_KEYS];

export interface Settings {
  server: ServerConfig;
  focus: FocusConfig;
  turn: TurnConfig;
}

export function readSettings(raw: RawSettings, projectRoot: string): Settings {
  const server = readServerConfig(new ConfigReader(raw), projectRoot);
  const needsSecrets =
    (server.prosody.embedded && !server.prosody.componentSecret) ||
    raw['turn.secrets'] === undefined;
  const generated = needsSecrets ? loadOrCreateSecrets(server.dataDir) : undefined;
  const reader = new ConfigReader({
    ...raw,
    ...(raw['turn.secrets'] === undefined && generated
      ? { 'turn.secrets': generated.turnSecret }
      : {}),
  });
  return {
    server: {
      ...server,
      prosody: {
        ...server.prosody,
        componentSecret: server.prosody.componentSecret ?? generated?.componentSecret,
      },
    },
    focus: readFocusConfig(reader),
    turn: readTurnConfig(reader),
  };
}
