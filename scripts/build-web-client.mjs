#!/usr/bin/env node
// Builds the web client into web-client/dist: one minified script and one
// stylesheet with content-hashed names (Confab lets browsers cache them), the
// page that loads them, and the static assets. Prints each file's gzipped size
// and fails when the total passes the budget.
//
// Usage: node scripts/build-web-client.mjs [--watch]
/* global console */
import process from 'node:process';
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'web-client');
const dist = join(source, 'dist');
/** The limit for everything the page loads, gzipped, media assets excluded. */
const BUDGET_BYTES = 150 * 1024;

const options = {
  entryPoints: { app: join(source, 'src', 'main.ts'), style: join(source, 'src', 'style.css') },
  outdir: dist,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  platform: 'browser',
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

function writePage(metafile) {
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  const nameOf = (entry) => {
    const found = outputs.find(([, o]) => o.entryPoint && basename(o.entryPoint).startsWith(entry));
    if (!found) throw new Error(`no output for ${entry}`);
    return basename(found[0]);
  };
  const page = readFileSync(join(source, 'static', 'index.html'), 'utf8')
    .replace('%STYLE%', nameOf('style'))
    .replace('%SCRIPT%', nameOf('main'));
  writeFileSync(join(dist, 'index.html'), page);
  for (const file of readdirSync(join(source, 'static'))) {
    if (file !== 'index.html') copyFileSync(join(source, 'static', file), join(dist, file));
  }
}

function report() {
  const rows = readdirSync(dist)
    .filter((f) => !f.endsWith('.map'))
    .map((f) => {
      const bytes = readFileSync(join(dist, f));
      return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  const total = rows.reduce((sum, r) => sum + r.gzip, 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  for (const r of rows)
    console.log(
      `  ${r.file.padEnd(28)} ${kb(r.raw).padStart(9)}  ${kb(r.gzip).padStart(9)} gzipped`,
    );
  console.log(
    `web client: ${kb(total)} gzipped in ${relative(root, dist)}/ (budget ${kb(BUDGET_BYTES)})`,
  );
  return total;
}

async function main() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  if (process.argv.includes('--watch')) {
    const ctx = await context({
      ...options,
      plugins: [
        {
          name: 'page',
          setup(b) {
            b.onEnd((result) => {
              if (result.metafile) {
                writePage(result.metafile);
                report();
              }
            });
          },
        },
      ],
    });
    await ctx.watch();
    console.log('watching web-client/src …');
    return;
  }
  const result = await build(options);
  writePage(result.metafile);
  const total = report();
  if (total > BUDGET_BYTES) {
    console.error(`web client is over budget: ${total} > ${BUDGET_BYTES} bytes gzipped`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`web client build failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
