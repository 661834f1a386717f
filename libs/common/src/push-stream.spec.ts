import { pushStream } from './push-stream.js';

describe('pushStream', () => {
  it('yields pushed items in order, then the producer failure', async () => {
    const got: number[] = [];
    const stream = pushStream<number>(async (push) => {
      push(1);
      await new Promise((r) => setTimeout(r, 5));
      push(2);
      throw new Error('boom');
    });
    await expect(
      (async () => {
        for await (const n of stream) got.push(n);
      })(),
    ).rejects.toThrow('boom');
    expect(got).toEqual([1, 2]);
  });

  it('tells the producer when the consumer stops early, and lets it run to its end', async () => {
    let signal: AbortSignal | undefined;
    let finished = false;
    const stream = pushStream<number>(async (push, stopped) => {
      signal = stopped;
      for (let i = 0; i < 5; i++) {
        push(i);
        await new Promise((r) => setTimeout(r, 2));
      }
      finished = true;
    });
    for await (const n of stream) if (n === 1) break;
    expect(signal?.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(finished).toBe(true);
  });

  it('does not signal a stop when the consumer read to the end', async () => {
    let signal: AbortSignal | undefined;
    const got: string[] = [];
    const produce = (push: (s: string) => void, stopped: AbortSignal) => {
      signal = stopped;
      push('a');
      push('b');
      return Promise.resolve();
    };
    for await (const s of pushStream<string>(produce)) got.push(s);
    expect(got).toEqual(['a', 'b']);
    expect(signal?.aborted).toBe(false);
  });
});
