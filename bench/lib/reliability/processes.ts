import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns true or `timeoutMs` passes; resolves to the time it took (ms) or null. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      if (await probe()) return performance.now() - started;
    } catch {
      // not yet
    }
    await sleep(everyMs);
  }
  return null;
}

/** GET a URL and say whether it answered 2xx (network errors and timeouts count as not). */
export async function answers2xx(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Whether a new TCP connection to a loopback port is accepted ('open') or refused. */
export function tcpProbe(port: number): Promise<'open' | 'refused' | 'error'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

/**
 * One child process of the harness (gateway, worker, fake LLM): stdout and stderr go to a log file,
 * and the harness can signal it and wait for its exit.
 */
export class ManagedProcess {
  /** Every child still running, so a failing harness can take them down with it. */
  private static readonly live = new Set<ManagedProcess>();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    ManagedProcess.live.add(this);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        ManagedProcess.live.delete(this);
        resolve(code);
      }),
    );
  }

  /** SIGKILL every child still running (harness failure or Ctrl-C). */
  static killAll(): void {
    for (const p of ManagedProcess.live) p.child.kill('SIGKILL');
  }

  /** `node …nodeArgs <script> …args` with `env`, output appended to `logFile`. `ipc` adds a message channel. */
  static start(
    name: string,
    script: string,
    opts: { env: NodeJS.ProcessEnv; logFile: string; args?: string[]; nodeArgs?: string[]; ipc?: boolean },
  ): ManagedProcess {
    const fd = openSync(opts.logFile, 'a');
    const stdio: ['ignore', number, number] = ['ignore', fd, fd];
    const child = opts.ipc
      ? fork(script, opts.args ?? [], { env: opts.env, stdio: [...stdio, 'ipc'], execArgv: opts.nodeArgs })
      : spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...(opts.args ?? [])], { env: opts.env, stdio });
    closeSync(fd);
    return new ManagedProcess(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first IPC message (the fake LLM sends its base URL). */
  firstMessage<T>(timeoutMs = 10000): Promise<T> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.name} sent no message`)), timeoutMs);
      this.child.once('message', (m) => {
        clearTimeout(t);
        resolve(m as T);
      });
    });
  }

  send(message: unknown): void {
    this.child.send?.(message as object);
  }

  /** Send a signal and wait for the exit (SIGKILL after `timeoutMs`); resolves to the exit code. */
  async stop(signal: NodeJS.Signals, timeoutMs = 15000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }
}

/** Resident set size of a process in MiB, from /proc (null once it is gone). */
export async function rssMiB(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
