// Fails the run early, with one clear line, when the worker binary is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function globalSetup(): void {
  const worker = join(
    __dirname,
    '../../node_modules/mediasoup/worker/out/Release/mediasoup-worker',
  );
  if (!process.env.MEDIASOUP_WORKER_BIN && !existsSync(worker)) {
    throw new Error(`mediasoup worker not built: run scripts/setup (expected ${worker})`);
  }
}
