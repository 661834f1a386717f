import { SerialCheck } from './serial-check.js';

/** Run `f` after `depth` further microtasks (no timers: the order of the job queue alone). */
const afterMicrotasks = (depth: number, f: () => void): void => {
  if (depth === 0) f();
  else queueMicrotask(() => afterMicrotasks(depth - 1, f));
};

/** For runs that drop no failure: one reported fails the run that reports it. */
const noneDropped = (err: unknown): never => {
  throw new Error(`a failure was reported as dropped: ${String(err)}`);
};

describe('SerialCheck', () => {
  it('runs a check asked for while one runs once more after it (once for several), and everyone waits for that', async () => {
    const calls: number[] = [];
    let release!: () => void;
    const serial = new SerialCheck(async () => {
      calls.push(calls.length + 1);
      if (calls.length === 1) await new Promise<void>((r) => (release = r));
    }, noneDropped);
    const first = serial.run();
    const asked = [serial.run(), serial.run()];
    release();
    await Promise.all([first, ...asked]);
    expect(calls).toEqual([1, 2]);
  });

  // Each microtask around the end of a check: whichever the run() lands in, the check runs again.
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])(
    'does not drop a run asked %i microtasks after a check returned',
    async (depth) => {
      let calls = 0;
      let asked!: Promise<void>;
      const serial = new SerialCheck(() => {
        calls++;
        if (calls === 1) {
          asked = new Promise<void>((resolve, reject) =>
            afterMicrotasks(depth, () => void serial.run().then(resolve, reject)),
          );
        }
        return Promise.resolve();
      }, noneDropped);
      await serial.run();
      await asked;
      expect(calls).toBe(2);
    },
  );

  it('runs once more after a check that failed when asked meanwhile, and reports the failure it hands to nobody', async () => {
    const dropped: unknown[] = [];
    let calls = 0;
    let release!: () => void;
    const serial = new SerialCheck(
      async () => {
        calls++;
        if (calls === 1) {
          await new Promise<void>((r) => (release = r));
          throw new Error('boom');
        }
      },
      (err) => dropped.push(err),
    );
    const first = serial.run();
    const asked = serial.run();
    release();
    await Promise.all([first, asked]);
    expect(calls).toBe(2);
    expect(dropped).toEqual([new Error('boom')]);
  });

  it('hands the failure of the last check to its callers, and runs again on the next run', async () => {
    let calls = 0;
    const serial = new SerialCheck(
      () => (++calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve()),
      noneDropped,
    );
    await expect(serial.run()).rejects.toThrow('boom');
    await serial.run();
    expect(calls).toBe(2);
  });
});
