// One of this project's entry points run from its TypeScript sources in a Node process of its own (what
// `npm start` runs, built), for tests that need real signals or a process that goes on working while the
// test's event loop is blocked. Its stdout and stderr are read line by line as they come, so it never
// blocks on a full pipe, and a test waits for a line it writes, not for a time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The `msg` of a JSON log line (pino, LOG_FORMAT json), else ''. */
export function logMessage(line: string): string {
  try {
    const { msg } = JSON.parse(line) as { msg?: unknown };
    return typeof msg === 'string' ? msg : '';
  } catch {
    return '';
  }
}

/** SIGTERM a child process (if still running) and wait for it to exit. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** A process started by `spawnFromSources`, with what it wrote so far. */
export class SourceProcess {
  /** Lines it wrote to stdout, then stderr, so far. */
  readonly out: string[] = [];
  readonly err: string[] = [];
  /** Resolves once it has exited and its output is read to the end. */
  readonly exited: Promise<Exit>;
  private ended?: Exit;
  /** Tests waiting for a stdout line, each with how many lines it has been given. */
  private waiters: {
    test: (line: string) => boolean;
    seen: number;
    resolve: () => void;
    reject: (e: Error) => void;
  }[] = [];

  constructor(readonly child: ChildProcess) {
    const read = (stream: Readable | null, into: string[]) =>
      stream &&
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        into.push(line);
        this.check();
      });
    read(child.stdout, this.out);
    read(child.stderr, this.err);
    this.exited = new Promise((resolve) =>
      // 'close', not 'exit': the output is read to the end by then.
      child.once('close', (code, signal) => {
        this.ended = { code, signal };
        this.check();
        resolve(this.ended);
      }),
    );
  }

  /**
   * Resolves once a stdout line passes `test` (at once if one did); rejects, with what the process wrote,
   * if it ends first.
   */
  until(test: (line: string) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, seen: 0, resolve, reject });
      this.check();
    });
  }

  /** Until a Nest app in JSON logs (LOG_LEVEL info or lower) says it has started. */
  started(): Promise<void> {
    return this.until((line) => logMessage(line) === 'Nest application successfully started');
  }

  /** SIGTERM it (if still running) and wait for it to exit. */
  stop(): Promise<void> {
    return stopChild(this.child);
  }

  /**
   * Send it `signal` if it is still running; SIGKILL (the default) in an afterAll after a test timed out,
   * where a process left running would keep Jest from exiting.
   */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      while (w.seen < this.out.length)
        if (w.test(this.out[w.seen++])) {
          w.resolve();
          return false;
        }
      if (!this.ended) return true;
      const output = [...this.out, ...this.err].join('\n');
      w.reject(new Error(`process exited (${JSON.stringify(this.ended)}) before the line waited for:\n${output}`));
      return false;
    });
  }
}

/** `node --import ./scripts/ts-source-register.mjs <entry> ...args`, its environment this one's plus `env`. */
export function spawnFromSources(
  entry: string,
  opts: { args?: string[]; env?: Record<string, string> } = {},
): SourceProcess {
  const child = spawn(process.execPath, ['--import', './scripts/ts-source-register.mjs', entry, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new SourceProcess(child);
}

/**
 * The real worker (apps/worker) from its sources, with `env` (a `testEnv`); `started()` waits until it is
 * up. Its LOG_LEVEL is info, whatever `env` says: the line `started()` waits for is logged at info.
 */
export const spawnWorker = (env: Record<string, string>): SourceProcess =>
  spawnFromSources('apps/worker/src/main.ts', { env: { ...env, LOG_LEVEL: 'info' } });
