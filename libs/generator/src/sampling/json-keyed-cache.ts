import { LRUCache } from 'lru-cache';

/**
 * Values computed from a JSON-serialisable input (sampling parameters), kept per distinct input so a
 * hot path validates and maps each parameter set once; the least recently used entry goes past
 * `size`. Inputs that JSON cannot serialise are computed every time (the computation says what is
 * wrong with them). Cached values are shared between calls: callers must not mutate them.
 */
export class JsonKeyedCache<V extends object> {
  private readonly entries: LRUCache<string, V>;

  constructor(size = 256) {
    this.entries = new LRUCache({ max: size });
  }

  get(input: unknown, compute: (input: unknown) => V): V {
    let key: string | undefined;
    try {
      key = JSON.stringify(input ?? {});
    } catch {
      // Not serialisable (a cycle, a BigInt): not cached.
    }
    if (key === undefined) return compute(input);
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute(input);
      this.entries.set(key, value);
    }
    return value;
  }
}
