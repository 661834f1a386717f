#!/usr/bin/env node
// `npm start`: build unless dist/ is a complete build of the current sources (scripts/build-state.mjs),
// check Redis once and the configuration, then run the gateway and the worker together. Ctrl-C (or SIGTERM) stops both; if either exits, the other
// is stopped. The exit code is the first failure's (0 when both stopped cleanly).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { needsBuild } from './build-state.mjs';

const root = new URL('..', import.meta.url).pathname;
const entry = (app) => join(root, 'dist', 'apps', app, 'src', 'main.js');

function buildIfNeeded() {
  if (!needsBuild(root)) return;
  process.stdout.write('huashu: building…\n');
  const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function checkRedis() {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch {
    process.stderr.write(
      `huashu: cannot reach Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} — start one with ` +
        '`redis-server --daemonize yes` (or `docker compose up -d redis`) or set REDIS_URL.\n',
    );
    process.exit(1);
  } finally {
    client.disconnect();
  }
}

/**
 * Validate the environment once, here, so a bad value is one line (the children would each print it,
 * and the first to exit would also be announced). Returns the validated config.
 */
async function checkConfig() {
  const { loadConfig, ConfigValidationError } = await import(join(root, 'dist', 'libs', 'config', 'src', 'index.js'));
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    process.stderr.write(`huashu: ${err.message}\n`);
    process.exit(1);
  }
}

// Redis first: a missing Redis is the common first-run problem and should fail in a second.
await checkRedis();
buildIfNeeded();
const config = await checkConfig();
// Each child exits within twice SHUTDOWN_GRACE_MS of a signal (libs/ops/src/shutdown.ts); past that and
// a margin, the ones still running are killed rather than left behind without a parent.
const STOP_BOUND_MS = 2 * config.http.shutdownGraceMs + 5000;

// A 64 MiB young generation (V8's default tops out at 16): each turn allocates ~100 KB of short-lived
// objects, so the default scavenged every ~150 turns and a scavenge (a few ms on a busy host) landed in
// the 99th percentile of turn latency; at 64 MiB it comes 4x less often for ~100 MiB more RSS at most.
// The same flag is in the Dockerfile, docker-compose.yml and `npm run bench:turns`.
const NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=64'];

const children = ['gateway', 'worker'].map((app) => {
  const child = spawn(process.execPath, [...NODE_FLAGS, entry(app)], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`huashu: ${app} exited (${signal ?? code}); stopping.\n`);
      stop(code || 1);
    } else {
      // A child that did not stop cleanly (forced past its bound, killed) makes the whole run fail.
      if (code !== 0) {
        process.stderr.write(`huashu: ${app} exited (${signal ?? code}) while stopping.\n`);
        exitCode ||= code ?? 1;
      }
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
    }
  });
  return child;
});

let stopping = false;
let exitCode = 0;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    process.stderr.write(`huashu: not stopped after ${STOP_BOUND_MS} ms; killed.\n`);
    process.exit(exitCode || 1);
  }, STOP_BOUND_MS).unref();
}
// A second signal changes nothing: the children already have theirs and are bounded.
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
