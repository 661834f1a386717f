/**
 * Turn a producer that pushes items into an AsyncIterable: items are buffered until pulled; the
 * producer's failure is thrown to the consumer after the items it pushed. The producer runs to its
 * end even if the consumer stops early; `stopped` tells it the consumer has gone (aborted when the
 * consumer returns or throws before the producer has finished), for producers that should give up then.
 */
export function pushStream<T>(
  produce: (push: (item: T) => void, stopped: AbortSignal) => Promise<void>,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: async function* () {
      const queue: T[] = [];
      const consumer = new AbortController();
      let wake: (() => void) | undefined;
      let done = false;
      let failure: { error: unknown } | undefined;
      void produce((item) => {
        queue.push(item);
        wake?.();
      }, consumer.signal)
        .catch((error: unknown) => {
          failure = { error };
        })
        .finally(() => {
          done = true;
          wake?.();
        });
      try {
        for (;;) {
          if (queue.length > 0) {
            yield queue.shift()!;
            continue;
          }
          if (done) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        if (failure) throw failure.error;
      } finally {
        if (!done) consumer.abort();
      }
    },
  };
}
