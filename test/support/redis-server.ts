import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Options of a private redis-server. */
export interface PrivateRedisOptions {
  /**
   * Persist with AOF (`appendfsync always`) into this directory, so a kill and a start on the same
   * port keep every acknowledged write, as production Redis with AOF does. Default: no persistence.
   */
  aofDir?: string;
  /**
   * Keep RDB snapshots (`dump.rdb`) in this directory, taken only when the spec sends SAVE: a kill and a
   * start on the same port load the last one, losing the writes after it (a restart from an older
   * snapshot). Not with `aofDir`.
   */
  rdbDir?: string;
}

/**
 * A private redis-server on its own port, for tests that stop and restart Redis without disturbing
 * the shared one.
 */
export class PrivateRedis {
  private proc?: ChildProcess;
  constructor(
    readonly port: number,
    private readonly opts: PrivateRedisOptions = {},
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(opts: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), opts);
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    const persistence = this.opts.aofDir
      ? ['--dir', this.opts.aofDir, '--appendonly', 'yes', '--appendfsync', 'always']
      : this.opts.rdbDir
        ? ['--dir', this.opts.rdbDir, '--dbfilename', 'dump.rdb', '--appendonly', 'no']
        : ['--appendonly', 'no'];
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      {
        stdio: 'ignore',
      },
    );
    // Until the server answers PING: ioredis itself retries a refused connection every 50 ms (for up to
    // 5 s), holding the PING meanwhile. Not a loop that disconnects after each refused attempt: ioredis's
    // disconnect() of a socket that has already closed starts a 2 s timer nothing clears
    // (AbstractConnector waits for a 'close' that came before), which kept Jest from exiting.
    const client = new Redis(this.url, {
      retryStrategy: (attempts) => (attempts * 50 > 5000 ? null : 50),
      maxRetriesPerRequest: null,
    });
    client.on('error', () => undefined);
    try {
      await client.ping();
    } catch (err) {
      throw new Error('private redis-server did not start', { cause: err });
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    // Killed by a signal, a process has signalCode set and exitCode null: stopped either way.
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }
}
