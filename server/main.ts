/**
 * `node build/server/main.js [--config confab.json]`: starts Confab with its
 * embedded defaults (or the given configuration) and runs until Ctrl-C.
 * Any start-up problem ends with one line naming it and exit code 1.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadSettings } from '../common/config';
import { errorMessage } from '../common/errors';
import { createLogger } from '../common/logger';
import { ALL_KEYS, readSettings } from './settings';
import { Confab } from './Confab';

const log = createLogger('main');
const projectRoot = join(__dirname, '..', '..');

function configFileArgument(argv: string[]): string | undefined {
  const i = argv.indexOf('--config');
  return i >= 0 ? argv[i + 1] : process.env.CONFAB_CONFIG;
}

async function main(): Promise<void> {
  const raw = loadSettings({
    knownKeys: ALL_KEYS,
    env: process.env,
    file: configFileArgument(process.argv),
  });
  const webClientDir = join(projectRoot, 'web-client', 'dist');
  const confab = await Confab.start({
    ...readSettings(raw, projectRoot),
    webClientDir: existsSync(webClientDir) ? webClientDir : undefined,
  });
  console.log(confab.banner());

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    void confab.close().then(() => process.exit(0));
    setTimeout(() => process.exit(1), 10000).unref();
  };
  // Under `node --expose-gc`, SIGUSR2 collects garbage: the soak bench reads memory after it.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) process.on('SIGUSR2', () => gc());
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`confab: ${errorMessage(error)}`);
  process.exit(1);
});
