import { ExactVectorIndex } from './exact-vector-index.js';
import { HnswVectorIndex } from './hnsw-vector-index.adapter.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Deterministic unit vectors (xorshift), so a failure reproduces. */
function vectors(n: number, dim: number, seed = 7): Float32Array[] {
  let s = seed;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dim }, rnd);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe.each([
  ['exact', (dim: number) => new ExactVectorIndex(dim, 4)],
  ['hnsw', (dim: number) => HnswVectorIndex.create({ dim, capacity: 4 })],
] as const)('%s vector index', (_kind, make) => {
  const dim = 16;
  const vs = vectors(50, dim);

  it('finds a stored vector first with similarity 1 and sorts hits by similarity', () => {
    const index = make(dim);
    vs.forEach((v, i) => index.upsert(i, v));
    expect(index.size()).toBe(50);
    const hits = index.search(vs[17], 5);
    expect(hits[0].label).toBe(17);
    expect(hits[0].similarity).toBeCloseTo(1, 5);
    for (let i = 1; i < hits.length; i++) expect(hits[i].similarity).toBeLessThanOrEqual(hits[i - 1].similarity);
  });

  it('updates and removes points incrementally (draft edits)', () => {
    const index = make(dim);
    vs.slice(0, 10).forEach((v, i) => index.upsert(i, v));
    index.upsert(3, vs[40]);
    expect(index.search(vs[40], 1)[0].label).toBe(3);
    index.remove(3);
    expect(index.size()).toBe(9);
    expect(index.search(vs[40], 10).map((h) => h.label)).not.toContain(3);
    index.upsert(3, vs[3]);
    expect(index.search(vs[3], 1)[0].label).toBe(3);
    expect(index.search(vs[0], 100)).toHaveLength(10);
  });

  it('rejects a vector of the wrong dimension', () => {
    expect(() => make(dim).upsert(0, new Float32Array(dim + 1))).toThrow(/dimensions/);
  });
});

describe('HnswVectorIndex persistence', () => {
  it('saves and loads an index that answers like the original (ef restored)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huashu-hnsw-'));
    try {
      const vs = vectors(300, 32, 11);
      const a = HnswVectorIndex.create({ dim: 32, capacity: 300 });
      vs.forEach((v, i) => a.upsert(i, v));
      await a.save(join(dir, 'i.hnsw'));
      const b = await HnswVectorIndex.load(join(dir, 'i.hnsw'), { dim: 32, capacity: 300 });
      expect(b.size()).toBe(300);
      for (const q of [5, 150, 299]) expect(b.search(vs[q], 3)).toEqual(a.search(vs[q], 3));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
