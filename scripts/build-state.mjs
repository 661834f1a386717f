#!/usr/bin/env node
// Is dist/ a complete build of the current sources and dependencies? `npm run build` ends with
// `node scripts/build-state.mjs stamp`, which writes dist/.build-complete only after both tsc and
// tsc-alias succeeded. `npm start` (scripts/start.mjs) builds when the stamp is missing or older than
// any TypeScript source under apps/ or libs/, a tsconfig, or the last `npm ci` / `npm install`
// (node_modules/.package-lock.json). Comparing the entry files' times instead was not enough: a failed
// build (tsc emits on type errors; tsc-alias then never runs) leaves entries newer than the sources
// that cannot resolve `@huashu/*`, and every later `npm start` ran them.
//   node scripts/build-state.mjs stamp [root]   write the stamp
//   node scripts/build-state.mjs check [root]   print "fresh" (exit 0) or "stale" (exit 1)
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAMP = join('dist', '.build-complete');
const ENTRIES = ['gateway', 'worker'].map((app) => join('dist', 'apps', app, 'src', 'main.js'));
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', join('node_modules', '.package-lock.json')];

function newestTs(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** True when `root`'s dist/ is missing, incomplete or older than what it is built from. */
export function needsBuild(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp) || !ENTRIES.every((e) => existsSync(join(root, e)))) return true;
  const builtAt = statSync(stamp).mtimeMs;
  const inputsAt = Math.max(
    newestTs(join(root, 'apps')),
    newestTs(join(root, 'libs')),
    ...INPUT_FILES.map((f) => (existsSync(join(root, f)) ? statSync(join(root, f)).mtimeMs : 0)),
  );
  return inputsAt > builtAt;
}

export function writeStamp(root) {
  writeFileSync(join(root, STAMP), `${new Date().toISOString()}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, root = process.cwd()] = process.argv.slice(2);
  if (command === 'stamp') writeStamp(root);
  else if (command === 'check') {
    const stale = needsBuild(root);
    process.stdout.write(stale ? 'stale\n' : 'fresh\n');
    process.exitCode = stale ? 1 : 0;
  } else {
    process.stderr.write('usage: build-state.mjs stamp|check [root]\n');
    process.exitCode = 2;
  }
}
