import { ActivationGate } from './activation-gate.js';

/** A promise settled from outside. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}

/** Whether `clear()` resolves within one microtask (no sibling fetch to wait for). */
async function passesAtOnce(gate: ActivationGate): Promise<boolean> {
  let passed = false;
  void gate.clear().then(() => (passed = true));
  await Promise.resolve();
  return passed;
}

describe('ActivationGate', () => {
  it('lets a fetch through at once when no sibling fetch is in flight', async () => {
    expect(await passesAtOnce(new ActivationGate())).toBe(true);
  });

  it('holds a fetch until the sibling fetches in flight have landed and their jobs had a macrotask to start', async () => {
    const gate = new ActivationGate();
    const sibling = deferred<string>();
    const order: string[] = [];
    const tracked = gate.track(sibling.promise).then((job) => {
      // What the sibling does with its job after its fetch lands (BullMQ starting the processor, the
      // provider writing its request), in microtasks and in a macrotask it queues then, comes first.
      order.push(`started ${job}`);
      setImmediate(() => order.push('sibling macrotask'));
    });
    const held = gate.clear().then(() => order.push('held fetch'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    sibling.resolve('job-1');
    await Promise.all([tracked, held]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['started job-1', 'sibling macrotask', 'held fetch']);
    // Landed fetches are forgotten: the next one passes at once.
    expect(await passesAtOnce(gate)).toBe(true);
  });

  it('releases held fetches when a sibling fetch fails, and hands that failure only to its own caller', async () => {
    const gate = new ActivationGate();
    const sibling = deferred<string>();
    const tracked = gate.track(sibling.promise);
    const held = gate.clear();
    sibling.reject(new Error('Connection is closed.'));
    await expect(tracked).rejects.toThrow('Connection is closed.');
    await expect(held).resolves.toBeUndefined();
  });
});
