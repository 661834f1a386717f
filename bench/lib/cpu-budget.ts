// Where a request's CPU time goes on this machine (Linux /proc), for bench:turns: the server's event
// loop and its other threads (turn threads, V8's GC helpers), a local Redis server, the load generator
// (this process), and how many cores the whole machine kept busy. With every component on one 2-core
// host, turns/s ÷ echo req/s is about (echo's CPU per request ÷ a turn's) × (cores busy in the turn
// run ÷ in the echo run), so these figures say which of the two moves the ratio.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const HZ = 100;

interface Sample {
  /** µs of CPU per thread id of the server process. */
  server: Map<number, number>;
  redisUs: number;
  loadUs: number;
  busyTicks: number;
  allTicks: number;
}

const cpuOf = (stat: string): number => {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / HZ;
};

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export class CpuBudget {
  /** `serverPid`: the server process (one process, not a cluster); `redisPid`: a local Redis, if any. */
  constructor(
    private readonly serverPid: number | undefined,
    private readonly redisPid: number | undefined,
  ) {}

  sample(): Sample {
    const server = new Map<number, number>();
    if (this.serverPid !== undefined) {
      for (const tid of readdirSync(`/proc/${this.serverPid}/task`)) {
        const stat = read(`/proc/${this.serverPid}/task/${tid}/stat`);
        if (stat) server.set(Number(tid), cpuOf(stat));
      }
    }
    const redis = this.redisPid === undefined ? undefined : read(`/proc/${this.redisPid}/stat`);
    const load = process.cpuUsage();
    const cpu = (read('/proc/stat') ?? 'cpu 0').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const all = cpu.reduce((a, b) => a + b, 0);
    return {
      server,
      redisUs: redis ? cpuOf(redis) : 0,
      loadUs: load.user + load.system,
      busyTicks: all - idle,
      allTicks: all,
    };
  }

  /** CPU µs per request between two samples, by component, and the cores the machine kept busy. */
  perRequest(a: Sample, b: Sample, requests: number, cores: number) {
    const n = Math.max(1, requests);
    let eventLoop = 0;
    let otherThreads = 0;
    for (const [tid, us] of b.server) {
      const d = us - (a.server.get(tid) ?? 0);
      if (tid === this.serverPid) eventLoop += d;
      else otherThreads += d;
    }
    const redis = b.redisUs - a.redisUs;
    const load = b.loadUs - a.loadUs;
    const busyCores = b.allTicks > a.allTicks ? ((b.busyTicks - a.busyTicks) / (b.allTicks - a.allTicks)) * cores : 0;
    const r = (x: number) => Math.round(x / n);
    return {
      serverEventLoopUs: r(eventLoop),
      serverOtherThreadsUs: r(otherThreads),
      redisUs: this.redisPid === undefined ? null : r(redis),
      loadGeneratorUs: r(load),
      machineBusyCores: Math.round(busyCores * 100) / 100,
    };
  }
}

/** The pid of the Redis server at `url` when it runs on this machine (its INFO process_id is ours to read). */
export function localRedisPid(info: string): number | undefined {
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return pid && read(`/proc/${pid}/stat`) ? pid : undefined;
}
