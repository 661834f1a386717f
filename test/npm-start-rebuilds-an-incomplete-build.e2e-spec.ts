// `npm start` builds unless dist/ is a complete build of the current sources and dependencies
// (scripts/build-state.mjs). A failed build (tsc emits on type errors, tsc-alias never runs) used to
// leave entry files newer than the sources, and every later `npm start` ran them. Checked on a
// throw-away tree with the real CLI, so the repository's own dist/ is never touched.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const CLI = join(process.cwd(), 'scripts', 'build-state.mjs');

function state(root: string): string {
  const r = spawnSync(process.execPath, [CLI, 'check', root], { encoding: 'utf8' });
  expect(r.status).toBe(r.stdout.trim() === 'fresh' ? 0 : 1);
  return r.stdout.trim();
}

/** Write `path` under root with its mtime `secondsAgo` in the past. */
function file(root: string, path: string, secondsAgo: number): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, '');
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(p, t, t);
}

describe('npm start: is dist/ a complete build?', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'huashu-build-state-'));
    file(root, 'apps/gateway/src/main.ts', 100);
    file(root, 'libs/ops/src/index.ts', 100);
    file(root, 'tsconfig.json', 100);
    file(root, 'node_modules/.package-lock.json', 100);
    file(root, 'dist/apps/gateway/src/main.js', 50);
    file(root, 'dist/apps/worker/src/main.js', 50);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('entries newer than the sources but no stamp (a failed build): stale', () => {
    expect(state(root)).toBe('stale');
  });

  it('the stamp written by a finished build: fresh', () => {
    const r = spawnSync(process.execPath, [CLI, 'stamp', root]);
    expect(r.status).toBe(0);
    expect(state(root)).toBe('fresh');
  });

  it('a source edited after the build: stale', () => {
    file(root, 'dist/.build-complete', 50);
    expect(state(root)).toBe('fresh');
    file(root, 'libs/ops/src/index.ts', 10);
    expect(state(root)).toBe('stale');
  });

  it('npm ci after the build (new dependencies): stale', () => {
    file(root, 'dist/.build-complete', 50);
    file(root, 'node_modules/.package-lock.json', 10);
    expect(state(root)).toBe('stale');
  });

  it('a stamp without the entry files: stale', () => {
    file(root, 'dist/.build-complete', 50);
    rmSync(join(root, 'dist/apps/worker'), { recursive: true });
    expect(state(root)).toBe('stale');
  });
});
