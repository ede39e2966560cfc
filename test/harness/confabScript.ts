/**
 * The Confab entry point compiled for a child process (esbuild, a fraction of
 * a second), for tests that kill the whole process as a crash would.
 */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
let built: string | undefined;

export function confabScript(): string {
  if (built) return built;
  const outfile = join(root, 'build', 'test', 'server', 'main.js');
  buildSync({
    entryPoints: [join(root, 'server', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  built = outfile;
  return outfile;
}
