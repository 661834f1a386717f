/** Milliseconds from a monotonic clock. */
export const nowMs = (): number => performance.now();

interface Deadline {
  at: number;
  fire: () => void;
  /** Cancelled after its sweep took it, before the deferred fire ran: it must not fire. */
  cancelled?: boolean;
}

/**
 * The pending deadlines of this thread, on one timer armed for the earliest. A turn races four to six
 * stages against their budgets, and most stages settle within microseconds: a timer of its own per
 * race (setTimeout, clearTimeout, Promise.race) cost more than such a stage. Here a race that settles
 * only leaves a Set. A due deadline fires after the I/O of the loop iteration its timer ran in (see
 * `sweep`). The timer is unref'd: a deadline does not keep a process alive by itself (the work it bounds
 * holds the process open while it waits on a socket or timer of its own).
 */
class Deadlines {
  private readonly pending = new Set<Deadline>();
  private timer?: NodeJS.Timeout;
  private armedAt = Infinity;

  add(at: number, fire: () => void): Deadline {
    const d = { at, fire };
    this.pending.add(d);
    if (at < this.armedAt) this.arm(at);
    return d;
  }

  delete(d: Deadline): void {
    this.pending.delete(d);
    d.cancelled = true;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(this.sweep, Math.max(0, at - nowMs()));
    this.timer.unref?.();
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = nowMs();
    let next = Infinity;
    const due: Deadline[] = [];
    for (const d of this.pending) {
      if (d.at <= now) {
        this.pending.delete(d);
        due.push(d);
      } else if (d.at < next) next = d.at;
    }
    // Several can be due at once when the loop was busy: they fire earliest first, as separate timers would.
    due.sort((a, b) => a.at - b.at);
    // Fired after this loop iteration's I/O, not from the timer: Node runs due timers before it reads the
    // sockets (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick), so after the
    // loop was busy past a deadline, the timer would beat a reply (Redis, the LLM) that had arrived in
    // time. Work that settles in that I/O wins; a promise settles once, so the late rejection is a no-op.
    // A deadline cancelled by that work does not fire at all.
    if (due.length > 0) setImmediate(() => due.forEach((d) => d.cancelled || d.fire()));
    if (next < Infinity && next < this.armedAt) this.arm(next);
  };
}

const deadlines = new Deadlines();

/**
 * Call `fire` once `ms` have passed, by the rule of every deadline here: after the I/O of the loop
 * iteration it passed in, so a reply that arrived in time while the loop was busy wins. For code that
 * acts on a deadline itself (aborts a request) rather than racing a promise. Returns the cancel.
 */
export function onDeadline(ms: number, fire: () => void): () => void {
  const d = deadlines.add(nowMs() + Math.max(0, ms), fire);
  return () => deadlines.delete(d);
}

/** Race a promise against a deadline; rejects with `onTimeout()` when it passes. */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = onDeadline(ms, () => reject(onTimeout()));
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (err: unknown) => {
        cancel();
        // The work's own rejection passes through as it is, Error or not.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(err);
      },
    );
  });
}
