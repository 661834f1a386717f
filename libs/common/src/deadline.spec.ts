import { MessageChannel } from 'node:worker_threads';
import { nowMs, onDeadline, withDeadline } from './deadline.js';

const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));
const timeout = (label: string) => () => new Error(`timeout ${label}`);
/** Keeps the event loop alive while a test waits on unref'd deadlines alone. */
const hold = (ms: number) => setTimeout(() => undefined, ms);
/**
 * Budgets in the order their deadlines fall: the order of the budgets, unless setting them up took long
 * enough (a GC pause or a descheduled process on a loaded machine) that a longer budget set first falls
 * due before a shorter one set after it — which a loaded CI run once showed ([0, 10, 50, 20, 30]).
 */
const byDeadline = (due: { ms: number; at: number }[]): number[] =>
  [...due].sort((a, b) => a.at - b.at).map((d) => d.ms);

describe('withDeadline (one shared timer)', () => {
  it('passes the value or the error of work that settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 50, timeout('a'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 50, timeout('b'))).rejects.toThrow('boom');
    await expect(withDeadline(later(5, 'ok'), 200, timeout('c'))).resolves.toBe('ok');
  });

  it('rejects with onTimeout() once the deadline passes, not before', async () => {
    const h = hold(1000);
    const start = nowMs();
    await expect(withDeadline(new Promise(() => undefined), 30, timeout('d'))).rejects.toThrow('timeout d');
    expect(nowMs() - start).toBeGreaterThanOrEqual(29);
    clearTimeout(h);
  });

  it('fires each of many deadlines at its own time, whatever the order they were set in', async () => {
    const h = hold(2000);
    const start = nowMs();
    const budgets = [120, 20, 80, 40, 0, 60, 100];
    const due: { ms: number; at: number }[] = [];
    const fired: { ms: number; at: number }[] = [];
    await Promise.all(
      budgets.map((ms) => {
        due.push({ ms, at: nowMs() + ms });
        return withDeadline(new Promise(() => undefined), ms, timeout(String(ms))).catch(() => {
          fired.push({ ms, at: nowMs() - start });
        });
      }),
    );
    expect(fired.map((f) => f.ms)).toEqual(byDeadline(due));
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.ms - 1);
    clearTimeout(h);
  });

  it('deadlines that are due together (the loop was busy) fire earliest first', async () => {
    const h = hold(1000);
    const due: { ms: number; at: number }[] = [];
    const fired: number[] = [];
    const races = [50, 10, 30, 0, 20].map((ms) => {
      due.push({ ms, at: nowMs() + ms });
      return withDeadline(new Promise(() => undefined), ms, timeout(String(ms))).catch(() => {
        fired.push(ms);
      });
    });
    // Block the loop past every deadline, so one sweep finds them all due.
    const until = nowMs() + 80;
    while (nowMs() < until);
    await Promise.all(races);
    expect(fired).toEqual(byDeadline(due));
    clearTimeout(h);
  });

  it('a settled race leaves no deadline behind: later races still time out on schedule', async () => {
    const h = hold(2000);
    // Thousands of races that settle at once, then one that never does.
    for (let i = 0; i < 5000; i++) await withDeadline(Promise.resolve(i), 10_000, timeout('fast'));
    await expect(withDeadline(new Promise(() => undefined), 20, timeout('e'))).rejects.toThrow('timeout e');
    clearTimeout(h);
  });

  it('a result that arrived while the loop was blocked past the deadline wins over it', async () => {
    // The reply is in (a message posted: I/O the loop has not read yet) when a busy loop passes the
    // deadline. Node runs due timers before it reads I/O, so a deadline fired from its timer would beat
    // a Redis reply that had arrived in time; it waits for the I/O already in.
    const { port1, port2 } = new MessageChannel();
    const outcome = await new Promise<unknown>((settled) =>
      // From the check phase: the next loop iteration runs the timers, then the I/O.
      setImmediate(() => {
        const reply = new Promise<unknown>((resolve) => port2.once('message', resolve));
        const race = withDeadline(reply, 5, timeout('io'));
        port1.postMessage('pong');
        const until = nowMs() + 30;
        while (nowMs() < until);
        race.then(settled, settled);
      }),
    );
    port1.close();
    expect(outcome).toBe('pong');
  });

  it('onDeadline: cancelled by I/O that arrived while the loop was blocked past it, it does not fire', async () => {
    // A request aborted at its deadline (the generator's) must not be aborted once its reply was read.
    const { port1, port2 } = new MessageChannel();
    const fired = await new Promise<boolean>((done) =>
      setImmediate(() => {
        let fire = false;
        const cancel = onDeadline(5, () => (fire = true));
        port2.once('message', cancel);
        port1.postMessage('reply');
        const until = nowMs() + 30;
        while (nowMs() < until);
        // Two check phases on: the deferred fire, had it run, has run.
        setTimeout(() => setImmediate(() => setImmediate(() => done(fire))), 10);
      }),
    );
    port1.close();
    expect(fired).toBe(false);
  });

  it('work that settles after its deadline changes nothing and raises no unhandled rejection', async () => {
    const h = hold(1000);
    let rejectLate!: (e: Error) => void;
    const work = new Promise<never>((_, reject) => (rejectLate = reject));
    await expect(withDeadline(work, 10, timeout('f'))).rejects.toThrow('timeout f');
    rejectLate(new Error('late'));
    // Jest fails the running test on an unhandled rejection (checked: a bare Promise.reject here fails it).
    await later(10, undefined);
    clearTimeout(h);
  });
});
