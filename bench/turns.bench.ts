// `npm run bench:turns` → bench/results/turns.json
// 1. In-process: DialogueService.turn() on the scripted route (no LLM), over many conversations,
//    sequentially: p50/p99 of the whole turn (Redis lock + session + classify + screen + embed +
//    match + atomic commit) and of its compute stages.
// 2. HTTP: autocannon against POST /v1/conversations/{id}/turns spread over many conversations,
//    and in the same run, on the same Nest app and server, a trivial echo route: turns/s ÷ echo
//    req/s is what the dialogue costs on top of the HTTP stack. The server runs in a child process
//    (bench/turns-server.ts) so the load generator does not share its event loop. Rounds are
//    interleaved so machine noise hits both alike; medians are reported.
// 3. The floor: in the same rounds, a route that does only what every turn must (one intent run, one
//    embedding run, one library lookup, one Redis round trip; bench/lib/turns-app.ts). It runs in the
//    event loop, so floor/s ÷ echo req/s bounds what a single-threaded pipeline of these components
//    reaches on this machine (turns in turn threads are not bound by it).
//    The server's CPU time per request (turn, echo, floor) is reported too: it moves less with
//    machine noise than rates do; and where all of the machine's CPU went per request
//    (bench/lib/cpu-budget.ts). The server uses the gateway's turn threads (DIALOGUE_TURN_THREADS);
//    optionally it runs as a node:cluster of several processes.
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '@huashu/config';
import { DialogueService, ruleFor, type TurnResult } from '@huashu/dialogue';
import { INTENT_CLASSIFIER, type IntentClassifier } from '@huashu/intent';
import { testEnv } from '../test/support/boot.js';
import { deletePrefix } from '../test/support/redis-prefix.js';
import { CpuBudget, localRedisPid } from './lib/cpu-budget.js';
import { bootTurnsApp } from './lib/turns-app.js';
import { median, round3, summarise, writeResult } from './lib/results.js';

// Candidate utterances for the scripted route; the bench keeps those the intent model actually
// routes to scripts for an engaged lead (greeting, company, info requests).
const CANDIDATES = [
  '你好',
  '你们是哪家公司',
  '把资料发给我看看',
  '发个短信给我',
  'hello',
  'which company is this?',
  'send me some information',
  'who are you',
];
const CONVERSATIONS = 500;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

async function json(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const rounds = Number(process.argv[3] ?? 2);
  const inprocessTurns = Number(process.argv[4] ?? 3000);
  // Turns before measuring: V8 keeps optimising the turn's code for the first few thousand turns (a
  // callgrind count showed TurboFan at 30 % of the process's instructions per turn after 600 turns and
  // none after 4,000); a gateway that has served for a minute is past that, so measure after it.
  const warmup = Number(process.argv[5] ?? 3000);
  const connectionLevels = (process.argv[6] ?? '10,20,50').split(',').map(Number);
  const serverProcesses = Number(process.argv[7] ?? 1);
  // The HTTP server's turn threads: DIALOGUE_TURN_THREADS when set, else the gateway's default (auto).
  const threadsSetting = process.env.DIALOGUE_TURN_THREADS ?? 'auto';
  const env = testEnv('bench-turns', {
    LOG_LEVEL: 'error',
    GENERATOR_MODE: 'inprocess',
    CONVERSATION_LOCK_WAIT_MS: '10000',
    DIALOGUE_TURN_THREADS: threadsSetting,
  });
  const turnThreads = loadConfig(env).dialogue.turnThreads;
  // The in-process part calls DialogueService itself: no threads there.
  const config = loadConfig({ ...env, DIALOGUE_TURN_THREADS: '0' });
  const { app } = await bootTurnsApp(config);
  let appOpen = true;
  let server: ReturnType<typeof fork> | undefined;
  try {
    // 1. In-process.
    const classifier = app.get<IntentClassifier>(INTENT_CLASSIFIER);
    const SCRIPTED: string[] = [];
    for (const text of CANDIDATES) {
      const { name } = await classifier.classify(text);
      if (name !== 'out_of_scope' && ruleFor({}, name, 'engaged').route === 'script') SCRIPTED.push(text);
    }
    if (SCRIPTED.length === 0) throw new Error('no candidate utterance routes to a script');
    const dialogue = app.get(DialogueService);
    const ids: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) ids.push((await dialogue.start({ campaignId: 'default' })).conversationId);
    const total: number[] = [];
    const stages: Record<'classify' | 'comply' | 'match' | 'total', number[]> = {
      classify: [],
      comply: [],
      match: [],
      total: [],
    };
    // What the turn spends outside its pipeline: the lock + session read, and the atomic commit.
    const sessionIo: number[] = [];
    const routes: Record<string, number> = {};
    const bar = new SingleBar({ format: 'in-process {bar} {value}/{total} turns' }, Presets.shades_classic);
    bar.start(inprocessTurns + warmup, 0);
    let cpu: NodeJS.CpuUsage | undefined;
    // Garbage collections during the measured turns, to tell GC pauses from waiting in the slowest turns.
    const gcs: { start: number; end: number }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
    });
    const starts: number[] = [];
    for (let i = 0; i < inprocessTurns + warmup; i++) {
      if (i === warmup) {
        cpu = process.cpuUsage();
        gcObserver.observe({ entryTypes: ['gc'] });
      }
      const t = performance.now();
      const r: TurnResult = await dialogue.turn(ids[i % ids.length], { text: SCRIPTED[i % SCRIPTED.length] });
      const ms = performance.now() - t;
      bar.increment();
      if (i < warmup) continue;
      starts.push(t);
      total.push(ms);
      routes[r.route] = (routes[r.route] ?? 0) + 1;
      for (const k of Object.keys(stages) as (keyof typeof stages)[]) stages[k].push(r.timingsMs[k]);
      sessionIo.push(ms - r.timingsMs.total);
    }
    bar.stop();
    await new Promise((r) => setTimeout(r, 50));
    gcObserver.disconnect();
    // The slowest 1 %: how many overlapped a GC, and how the others split between pipeline and waiting.
    const slowest = total
      .map((ms, i) => ({ ms, i }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, Math.max(1, Math.round(total.length / 100)));
    const overlapsGc = ({ ms, i }: { ms: number; i: number }) =>
      gcs.some((g) => g.start < starts[i] + ms && g.end > starts[i]);
    const noGc = slowest.filter((s) => !overlapsGc(s));
    const slowestPercent = {
      turns: slowest.length,
      overlappingGc: slowest.length - noGc.length,
      // Medians over those turns (ms).
      withoutGc: {
        turnMs: round3(median(noGc.map((s) => s.ms))),
        pipelineMs: round3(median(noGc.map((s) => stages.total[s.i]))),
        sessionIoMs: round3(median(noGc.map((s) => sessionIo[s.i]))),
      },
    };
    const gcPauses = { count: gcs.length, ms: summarise(gcs.map((g) => g.end - g.start)) };
    // CPU time of this process per turn: unlike wall time, it does not grow when the machine is busy.
    const used = process.cpuUsage(cpu);
    const cpuUsPerTurn = Math.round((used.user + used.system) / inprocessTurns);
    const inProcess = {
      utterances: SCRIPTED,
      turns: inprocessTurns,
      warmupTurns: warmup,
      conversations: CONVERSATIONS,
      routes,
      turnMs: summarise(total),
      stageMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, summarise(v)])),
      sessionIoMs: summarise(sessionIo),
      cpuUsPerTurn,
      gcPauses,
      slowestPercent,
    };
    process.stdout.write(
      `in-process turn p50 ${inProcess.turnMs.p50} ms, p99 ${inProcess.turnMs.p99} ms ` +
        `(pipeline p50 ${inProcess.stageMs.total.p50} ms, session I/O p50 ${inProcess.sessionIoMs.p50} ms, CPU ${cpuUsPerTurn} µs/turn)\n`,
    );
    await app.close();
    appOpen = false;
    if (seconds === 0) {
      writeResult('turns-inprocess', { inProcess });
      return;
    }

    // 2. HTTP against the same app in its own process (same Redis prefix, models and library).
    server = fork(fileURLToPath(new URL('./turns-server.js', import.meta.url)), [
      JSON.stringify(env),
      String(serverProcesses),
    ]);
    const base = await new Promise<string>((resolve, reject) => {
      server!.once('message', (m) => resolve((m as { base: string }).base));
      server!.once('exit', (code) => reject(new Error(`turns-server exited with ${code}`)));
    });
    const serverCpuUs = () =>
      new Promise<number>((resolve) => {
        server!.once('message', (m) => {
          const { cpu } = m as { cpu: NodeJS.CpuUsage };
          resolve(cpu.user + cpu.system);
        });
        server!.send('cpu');
      });
    // Per-component CPU (bench/lib/cpu-budget.ts): threads of a single server process, a local Redis.
    const probe = new Redis(config.redis.url, { lazyConnect: true });
    await probe.connect();
    const redisPid = localRedisPid(await probe.info('server'));
    probe.disconnect();
    const budget = new CpuBudget(serverProcesses === 1 ? server.pid : undefined, redisPid);
    /** A run, with the server's CPU time per request during it and where all of the machine's CPU went. */
    const measured = async (run: () => Promise<autocannon.Result>) => {
      const before = await serverCpuUs();
      const a = budget.sample();
      const result = await run();
      const b = budget.sample();
      const cpuUs = ((await serverCpuUs()) - before) / Math.max(1, result.requests.total);
      return Object.assign(result, { cpuUs, budget: budget.perRequest(a, b, result.requests.total, cpus().length) });
    };

    // 2. HTTP over many conversations (fresh ones, started over HTTP).
    const httpIds: string[] = [];
    for (let i = 0; i < 2000; i++)
      httpIds.push(((await json(`${base}/v1/conversations`, {})) as { conversationId: string }).conversationId);
    /** A load of `connections` POSTs for `seconds`; `make(i)` builds this route's i-th request. */
    const spread = (make: (i: number) => { path: string; body: unknown }) => {
      // The load generator shares the machine with the server, so its own work counts against both
      // routes: build the requests once (the sequence repeats after lcm(conversations, utterances)
      // requests) instead of formatting a path and serialising a body per request.
      const period = lcm(httpIds.length, SCRIPTED.length);
      const requests = Array.from({ length: period }, (_, k) => {
        const r = make(k);
        return {
          method: 'POST' as const,
          path: r.path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(r.body),
        };
      });
      // Connection c sends requests c, c + connections, … of the sequence, as static requests that
      // autocannon renders once per run; a setupRequest hook made it render every request again (~10 µs
      // of the load generator's CPU per request at 50 connections). When the connection count divides
      // the number of conversations, no two connections share a conversation. The slices are cut once
      // per connection count, in its unrecorded warm-up round.
      const slicesBy = new Map<number, (typeof requests)[]>();
      return (connections: number) => {
        let slices = slicesBy.get(connections);
        if (!slices) {
          const cut: (typeof requests)[] = Array.from({ length: connections }, () => []);
          requests.forEach((r, k) => cut[k % connections].push(r));
          slicesBy.set(connections, (slices = cut));
        }
        let client = 0;
        return autocannon({
          url: base,
          connections,
          duration: seconds,
          requests: slices[0],
          setupClient: (c) => c.setRequests(slices[client++ % connections]),
        });
      };
    };
    const turnRun = spread((i) => ({
      path: `/v1/conversations/${httpIds[i % httpIds.length]}/turns`,
      body: { text: SCRIPTED[i % SCRIPTED.length] },
    }));
    const floorRun = spread((i) => ({
      path: '/bench/floor',
      body: { id: httpIds[i % httpIds.length], text: SCRIPTED[i % SCRIPTED.length] },
    }));
    const echoRun = (connections: number) =>
      autocannon({
        url: `${base}/bench/echo`,
        connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '你好' }),
      });
    type Run = Awaited<ReturnType<typeof measured>>;
    const medianBudget = (rs: Run[]) => {
      const pick = (f: (b: Run['budget']) => number | null) => {
        const xs = rs.map((r) => f(r.budget)).filter((x): x is number => x !== null);
        return xs.length ? round3(median(xs)) : null;
      };
      const parts = {
        serverEventLoopUs: pick((b) => b.serverEventLoopUs),
        serverOtherThreadsUs: pick((b) => b.serverOtherThreadsUs),
        redisUs: pick((b) => b.redisUs),
        loadGeneratorUs: pick((b) => b.loadGeneratorUs),
      };
      return {
        ...parts,
        allUs: Object.values(parts).reduce<number>((a, x) => a + (x ?? 0), 0),
        machineBusyCores: pick((b) => b.machineBusyCores),
      };
    };
    const summary = (rs: Run[]) => ({
      medianRps: Math.round(median(rs.map((r) => r.requests.average))),
      medianServerCpuUsPerRequest: Math.round(median(rs.map((r) => r.cpuUs))),
      cpuBudgetPerRequest: medianBudget(rs),
      medianP50Ms: median(rs.map((r) => r.latency.p50)),
      medianP99Ms: median(rs.map((r) => r.latency.p99)),
      non2xx: rs.reduce((s, r) => s + r.non2xx, 0),
      errors: rs.reduce((s, r) => s + r.errors, 0),
      runs: rs.map((r) => ({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx })),
    });
    // Concurrency is a parameter of the load, not of the server: by Little's law 50 connections at
    // 1,500 turns/s already mean a 33 ms mean latency, so a p99 target is judged at each level measured.
    type Summary = ReturnType<typeof summary>;
    const levels: { connections: number; turns: Summary; echo: Summary; floor: Summary }[] = [];
    for (const connections of connectionLevels) {
      // One unrecorded round of each first: the server process starts with cold (unoptimised) code.
      process.stdout.write(`${connections} connections: warm-up round (not recorded)…\n`);
      await turnRun(connections);
      await echoRun(connections);
      await floorRun(connections);
      const runs: { turns: Run[]; echo: Run[]; floor: Run[] } = { turns: [], echo: [], floor: [] };
      for (let i = 0; i < rounds; i++) {
        process.stdout.write(`${connections} connections, round ${i + 1}/${rounds}: turns, echo, floor…\n`);
        runs.turns.push(await measured(() => turnRun(connections)));
        runs.echo.push(await measured(() => echoRun(connections)));
        runs.floor.push(await measured(() => floorRun(connections)));
      }
      levels.push({ connections, turns: summary(runs.turns), echo: summary(runs.echo), floor: summary(runs.floor) });
    }
    const byConnections = levels.map((l) => ({
      ...l,
      turnsOverEcho: round3(l.turns.medianRps / l.echo.medianRps),
      floorOverEcho: round3(l.floor.medianRps / l.echo.medianRps),
      // The same ratios in server CPU per request: echo CPU ÷ turn CPU is the ratio a server bound by one
      // core would reach (with turn threads the turn's CPU is spread over several).
      echoCpuOverTurnCpu: round3(l.echo.medianServerCpuUsPerRequest / l.turns.medianServerCpuUsPerRequest),
      echoCpuOverFloorCpu: round3(l.echo.medianServerCpuUsPerRequest / l.floor.medianServerCpuUsPerRequest),
      // All processes (server, Redis, load generator): the ratio follows this × busy cores turn ÷ echo.
      echoAllCpuOverTurnAllCpu: round3(l.echo.cpuBudgetPerRequest.allUs / l.turns.cpuBudgetPerRequest.allUs),
      busyCoresTurnOverEcho: round3(
        (l.turns.cpuBudgetPerRequest.machineBusyCores ?? 0) / (l.echo.cpuBudgetPerRequest.machineBusyCores || 1),
      ),
    }));
    const main = byConnections.find((l) => l.connections === 50) ?? byConnections[0];
    const http = {
      setup: `server in a child process (${serverProcesses} process${serverProcesses > 1 ? 'es, node:cluster' : ''}, ${turnThreads} turn thread${turnThreads === 1 ? '' : 's'} each), autocannon in the bench process`,
      serverProcesses,
      turnThreads,
      secondsPerRun: seconds,
      rounds,
      warmupRounds: 1,
      connections: main.connections,
      conversations: httpIds.length,
      turns: main.turns,
      echo: main.echo,
      byConnections,
    };
    const ratio = http.turns.medianRps / http.echo.medianRps;
    const bothHttp = byConnections.filter((l) => l.turns.medianRps >= 1500 && l.turns.medianP99Ms <= 25);
    const targets = {
      inProcessP50Ms: { target: 0.5, measured: inProcess.turnMs.p50, met: inProcess.turnMs.p50 <= 0.5 },
      inProcessP99Ms: { target: 2, measured: inProcess.turnMs.p99, met: inProcess.turnMs.p99 <= 2 },
      httpTurnsPerSecond: { target: 1500, measured: http.turns.medianRps, met: http.turns.medianRps >= 1500 },
      httpP99Ms: { target: 25, measured: http.turns.medianP99Ms, met: http.turns.medianP99Ms <= 25 },
      httpBothAtSomeConcurrency: {
        target: '≥ 1,500 turns/s with p99 ≤ 25 ms at one connection count',
        measured: byConnections.map((l) => `${l.connections}: ${l.turns.medianRps}/s p99 ${l.turns.medianP99Ms} ms`),
        met: bothHttp.length > 0,
      },
      turnsOverEcho: { target: 0.4, measured: round3(ratio), met: ratio >= 0.4 },
      // Not a target: the ratio of the floor route, which no pipeline of these components can beat.
      floorOverEcho: { bound: true, measured: main.floorOverEcho, allows04: main.floorOverEcho >= 0.4 },
    };
    const file = writeResult('turns', { inProcess, http, turnsOverEcho: targets.turnsOverEcho.measured, targets });
    const line = (b: ReturnType<typeof medianBudget>) =>
      `${b.allUs} (event loop ${b.serverEventLoopUs}, other server threads ${b.serverOtherThreadsUs}, Redis ${b.redisUs ?? '—'}, load generator ${b.loadGeneratorUs}; ${b.machineBusyCores} cores busy)`;
    for (const l of byConnections) {
      process.stdout.write(
        `  CPU µs per request, all processes: turn ${line(l.turns.cpuBudgetPerRequest)}; echo ${line(l.echo.cpuBudgetPerRequest)}\n`,
      );
      process.stdout.write(
        `HTTP ${l.connections} connections: turns ${l.turns.medianRps}/s p50 ${l.turns.medianP50Ms} ms p99 ` +
          `${l.turns.medianP99Ms} ms (non-2xx ${l.turns.non2xx}); echo ${l.echo.medianRps}/s; ratio ${l.turnsOverEcho}; ` +
          `floor ${l.floor.medianRps}/s, floor/echo ${l.floorOverEcho}; server CPU µs/request turn ` +
          `${l.turns.medianServerCpuUsPerRequest} echo ${l.echo.medianServerCpuUsPerRequest} floor ${l.floor.medianServerCpuUsPerRequest}\n`,
      );
    }
    process.stdout.write(`→ ${file}\n`);
  } finally {
    if (appOpen) await app.close();
    if (server && server.exitCode === null) {
      server.send('stop');
      await new Promise((r) => server!.once('exit', r));
    }
    await deletePrefix(config.redis.keyPrefix);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:turns failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
