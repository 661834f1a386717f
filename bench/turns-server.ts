// The HTTP half of bench:turns runs the server in this child process, so the load generator
// (autocannon, in the parent) does not share the server's event loop. Started with fork(): the
// config comes as JSON in argv[2], the number of server processes in argv[3] (default 1; more runs
// a node:cluster of that many, sharing the port); the base URL goes back over IPC. The parent sends
// 'cpu' (answered with the CPU time of all server processes, to measure the server's CPU per
// request) and 'stop'.
import cluster from 'node:cluster';
import { loadConfig } from '@huashu/config';
import { bootTurnsApp } from './lib/turns-app.js';

type Cpu = { user: number; system: number };

async function serve(): Promise<void> {
  const config = loadConfig(JSON.parse(process.argv[2]) as Record<string, string>);
  const { app, base } = await bootTurnsApp(config);
  process.on('message', (msg) => {
    if (msg === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (msg === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ base });
}

/** The cluster's primary: forks the servers, reports when all listen, sums their CPU time. */
async function primary(workers: number): Promise<void> {
  const forked = Array.from({ length: workers }, () => cluster.fork());
  const bases = await Promise.all(
    forked.map((w) => new Promise<string>((resolve) => w.once('message', (m: { base: string }) => resolve(m.base)))),
  );
  const ask = (w: (typeof forked)[number]) =>
    new Promise<Cpu>((resolve) => {
      w.once('message', (m: { cpu: Cpu }) => resolve(m.cpu));
      w.send('cpu');
    });
  process.on('message', (msg) => {
    if (msg === 'cpu') {
      void Promise.all(forked.map(ask)).then((cpus) =>
        process.send?.({
          cpu: cpus.reduce((a, c) => ({ user: a.user + c.user, system: a.system + c.system }), { user: 0, system: 0 }),
        }),
      );
    }
    if (msg === 'stop') {
      let left = workers;
      for (const w of forked) {
        w.once('exit', () => --left === 0 && process.exit(0));
        w.send('stop');
      }
    }
  });
  process.send?.({ base: bases[0] });
}

const workers = Number(process.argv[3] ?? 1);
const run = workers > 1 && cluster.isPrimary ? primary(workers) : serve();
run.catch((err: unknown) => {
  process.stderr.write(`turns-server failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
