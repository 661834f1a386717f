/**
 * Orders the fetches of one process's single-slot Workers. BullMQ's moveToActive script, when it hands
 * a job to a Worker, also sets the queue's marker (in case more jobs wait), which wakes the next idle
 * Worker blocked on it — in this same process, in the same instant as the first Worker's reply. The
 * woken Worker's fetch (a Redis round trip that finds nothing when one job was queued) could then be
 * sent before the first Worker had started its job, putting a socket write and its reply handling
 * between the job and its request to the backend. A Worker woken while a sibling's fetch is in flight
 * waits until that fetch has landed and one macrotask more (the job it brought has been started), then
 * fetches: it still looks for more jobs, only after the job in hand is on its way.
 */
export class ActivationGate {
  private readonly inFlight = new Set<Promise<unknown>>();

  /** Resolves at once when no sibling fetch is in flight, else after they land and one macrotask. */
  async clear(): Promise<void> {
    if (this.inFlight.size === 0) return;
    await Promise.allSettled([...this.inFlight]);
    await new Promise((resolve) => setImmediate(resolve));
  }

  track<T>(fetch: Promise<T>): Promise<T> {
    this.inFlight.add(fetch);
    const done = () => this.inFlight.delete(fetch);
    fetch.then(done, done);
    return fetch;
  }
}
