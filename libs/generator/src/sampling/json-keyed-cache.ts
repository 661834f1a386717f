/**
 * Values computed from a JSON-serialisable input (sampling parameters), kept per distinct input so a
 * hot path validates and maps each parameter set once; the oldest entry goes past `size`. Inputs that
 * JSON cannot serialise are computed every time (the computation says what is wrong with them).
 * Cached values are shared between calls: callers must not mutate them.
 */
export class JsonKeyedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly size = 256) {}

  get(input: unknown, compute: (input: unknown) => V): V {
    let key: string | undefined;
    try {
      key = JSON.stringify(input ?? {});
    } catch {
      // Not serialisable (a cycle, a BigInt): not cached.
    }
    if (key !== undefined) {
      const hit = this.entries.get(key);
      if (hit !== undefined) return hit;
    }
    const value = compute(input);
    if (key !== undefined) {
      if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, value);
    }
    return value;
  }
}
