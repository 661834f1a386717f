// `npm run bench:hop` → bench/results/hop-floor.json
// What one cross-process hop costs on this machine, the floor under the generation queue's transport
// (enqueue, the worker's pick-up, the reply: six process wake-ups more than a direct request). Two
// processes, sequential round trips, each kind back to back and after a 20 ms idle wait (what the queue
// path sees: every process sleeps while the backend thinks): a TCP echo (2 wake-ups), a Redis PING (2),
// a pub/sub ping-pong through Redis to the other process and back (4), and the synchronous part of an
// ioredis `publish` (the `write` that wakes a sleeping Redis). BENCH_N round trips per kind (default 2000);
// REDIS_URL as the app's.
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { summarise, writeResult } from './lib/results.js';

const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = 200;
const GAPS_MS = [0, 20];
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `huashu-bench:hop:${process.pid}:`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BENCH_N timed calls of `roundTrip` after `gap` ms of idle each; returns [round trip ms, sync part ms]. */
async function measure(gap: number, roundTrip: () => { sent: Promise<unknown> }): Promise<[number[], number[]]> {
  for (let i = 0; i < WARMUP; i++) await roundTrip().sent;
  const total: number[] = [];
  const sync: number[] = [];
  for (let i = 0; i < N; i++) {
    if (gap > 0) await sleep(gap);
    const t0 = performance.now();
    const { sent } = roundTrip();
    const t1 = performance.now();
    await sent;
    total.push(performance.now() - t0);
    sync.push(t1 - t0);
  }
  return [total, sync];
}

async function main(): Promise<void> {
  const echo = fork(
    fileURLToPath(new URL('./support/hop-echo.js', import.meta.url)),
    [JSON.stringify({ url, prefix })],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve) =>
    echo.once('message', (m) => resolve((m as { port: number }).port)),
  );
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  let onData: (() => void) | undefined;
  socket.on('data', () => onData?.());
  const redis = new Redis(url);
  const sub = new Redis(url);
  let onMessage: (() => void) | undefined;
  sub.on('message', () => onMessage?.());
  await sub.subscribe(`${prefix}pong`);

  const kinds: Record<string, () => { sent: Promise<unknown> }> = {
    tcpEcho: () => {
      const sent = new Promise<void>((resolve) => (onData = resolve));
      socket.write('x');
      return { sent };
    },
    redisPing: () => ({ sent: redis.ping() }),
    pubSubPingPong: () => {
      const sent = new Promise<void>((resolve) => (onMessage = resolve));
      void redis.publish(`${prefix}ping`, 'x');
      return { sent };
    },
  };
  const load0 = loadavg()[0];
  const roundTripMs: Record<string, unknown> = {};
  const syncPublishMs: Record<string, unknown> = {};
  for (const gap of GAPS_MS)
    for (const [name, roundTrip] of Object.entries(kinds)) {
      const [total, sync] = await measure(gap, roundTrip);
      roundTripMs[`${name}Gap${gap}ms`] = summarise(total);
      if (name === 'pubSubPingPong') syncPublishMs[`gap${gap}ms`] = summarise(sync);
      process.stderr.write(`${name} gap ${gap} ms: ${JSON.stringify(summarise(total))}\n`);
    }
  const load1 = loadavg()[0];
  socket.destroy();
  redis.disconnect();
  sub.disconnect();
  echo.kill('SIGTERM');

  const file = writeResult('hop-floor', {
    loadAverage1m: { before: +load0.toFixed(2), after: +load1.toFixed(2) },
    roundTrips: N,
    warmupRoundTrips: WARMUP,
    method:
      'Two processes; sequential round trips, back to back (gap 0) and after a 20 ms idle sleep (gap 20). tcpEcho: write ' +
      'one byte, the other process echoes it (2 wake-ups). redisPing: PING (2). pubSubPingPong: PUBLISH to a channel ' +
      'the other process subscribes to, which publishes back to one this process subscribes to (4: Redis, the other ' +
      'process, Redis, this one). syncPublishMs: the synchronous part of the ioredis publish() call of the ping-pong ' +
      '(command encoding + the socket write that wakes Redis).',
    roundTripMs,
    syncPublishMs,
  });
  process.stdout.write(`${JSON.stringify({ roundTripMs, syncPublishMs }, null, 1)}\n→ ${file}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:hop failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
