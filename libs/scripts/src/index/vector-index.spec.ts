import { BruteforceVectorIndex, encodeBruteforceFile, readBruteforceFile } from './bruteforce-vector-index.adapter.js';
import { ExactVectorIndex } from './exact-vector-index.js';
import { DefaultVectorIndexFactory, HnswVectorIndex, readHnswFile } from './hnsw-vector-index.adapter.js';
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

describe.each(['exact', 'hnsw'] as const)('%s index serialised to bytes', (kind) => {
  const factory = new DefaultVectorIndexFactory();
  const dim = 24;
  const vs = vectors(200, dim, 5);

  it('loads from its bytes with the same answers, the same vectors and the removed labels still removed', async () => {
    const a = factory.create(kind, { dim, capacity: 8 });
    vs.forEach((v, i) => a.upsert(i, v));
    a.remove(7);
    a.remove(150);
    a.upsert(20, vs[199]);
    const { index: b, vectors: loaded } = await factory.fromBuffer(kind, await a.serialize(), { dim, capacity: 8 });
    expect(b.kind).toBe(kind);
    expect(b.size()).toBe(198);
    expect(loaded[7]).toBeUndefined();
    expect(loaded[150]).toBeUndefined();
    expect(Array.from(loaded[20] as Float32Array)).toEqual(
      Array.from(vs[199]).map((x) => expect.closeTo(x, 6) as unknown),
    );
    for (const q of [0, 7, 99, 150, 199]) expect(b.search(vs[q], 5)).toEqual(a.search(vs[q], 5));
    expect(b.search(vs[7], 200).map((h) => h.label)).not.toContain(7);
    // The loaded copy is independent of the original.
    b.upsert(300, vs[7]);
    expect(a.search(vs[7], 1)[0].label).not.toBe(300);
    expect(b.search(vs[7], 1)[0].label).toBe(300);
  });

  it('refuses bytes of another dimension', async () => {
    const a = factory.create(kind, { dim, capacity: 8 });
    vs.slice(0, 10).forEach((v, i) => a.upsert(i, v));
    await expect(factory.fromBuffer(kind, await a.serialize(), { dim: dim + 1, capacity: 8 })).rejects.toThrow(
      /dimensional/,
    );
  });
});

describe('readHnswFile', () => {
  it('reads every label and vector from an hnswlib file, and rejects a truncated one', async () => {
    const dim = 8;
    const vs = vectors(40, dim, 3);
    const a = HnswVectorIndex.create({ dim, capacity: 40 });
    vs.forEach((v, i) => a.upsert(i + 1000, v));
    a.remove(1003);
    const buf = await a.serialize();
    const { vectors: got, deleted } = readHnswFile(buf, dim);
    expect(deleted).toEqual([1003]);
    expect(got.filter(Boolean)).toHaveLength(40);
    for (const i of [0, 17, 39]) {
      (got[i + 1000] as Float32Array).forEach((x, j) => expect(x).toBeCloseTo(vs[i][j], 6));
    }
    expect(() => readHnswFile(buf.subarray(0, 500), dim)).toThrow();
  });
});

describe('BruteforceVectorIndex (a large version served before its graph exists)', () => {
  const dim = 32;
  const vs = vectors(600, dim, 11);
  // Holes where draft scripts were removed: labels 5, 6 and 300 carry no vector.
  const table: (Float32Array | undefined)[] = vs.map((v, label) => ([5, 6, 300].includes(label) ? undefined : v));
  const queries = vectors(40, dim, 23);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'huashu-bf-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers exactly like the exact scan: same labels, same similarities, holes never returned', async () => {
    const { index, vectors } = await BruteforceVectorIndex.fromBuffer(encodeBruteforceFile(table, dim), {
      dim,
      capacity: table.length,
      scratchDir: dir,
    });
    const exact = new ExactVectorIndex(dim, table.length);
    table.forEach((v, label) => v && exact.upsert(label, v));
    expect(index.size()).toBe(597);
    expect(vectors[5]).toBeUndefined();
    expect(Array.from(vectors[7] as Float32Array)).toEqual(Array.from(vs[7]));
    for (const q of queries) {
      const got = index.search(q, 10);
      const want = exact.search(q, 10);
      expect(got.map((h) => h.label)).toEqual(want.map((h) => h.label));
      got.forEach((h, i) => expect(h.similarity).toBeCloseTo(want[i].similarity, 5));
    }
    expect(index.search(vs[300], 597).map((h) => h.label)).not.toContain(300);
    expect(index.search(vs[9], 1)[0]).toEqual({ label: 9, similarity: expect.closeTo(1, 5) as number });
  });

  it('clamps k to its size and serialises to bytes that load into the same index', async () => {
    const small = table.slice(0, 4);
    const factory = new DefaultVectorIndexFactory();
    const bytes = factory.bruteforceBytes(small, dim);
    const { index } = await factory.fromBuffer('bruteforce', bytes, { dim, capacity: 4, scratchDir: dir });
    expect(index.search(queries[0], 50)).toHaveLength(4);
    const again = await factory.fromBuffer('bruteforce', await index.serialize(dir), {
      dim,
      capacity: 4,
      scratchDir: dir,
    });
    expect(again.index.search(queries[1], 4)).toEqual(index.search(queries[1], 4));
  });

  it('is read-only and rejects bytes of another dimension or a truncated file', async () => {
    const { index } = await BruteforceVectorIndex.fromBuffer(encodeBruteforceFile(table.slice(0, 3), dim), {
      dim,
      capacity: 3,
      scratchDir: dir,
    });
    expect(() => index.upsert(0, vs[0])).toThrow(/cannot change/);
    expect(() => index.remove(0)).toThrow(/cannot change/);
    const bytes = encodeBruteforceFile(table.slice(0, 3), dim);
    expect(() => readBruteforceFile(bytes, dim + 1)).toThrow(/do not hold/);
    expect(() => readBruteforceFile(bytes.subarray(0, bytes.byteLength - 1), dim)).toThrow(/do not hold/);
    expect(() => encodeBruteforceFile([new Float32Array(dim + 1)], dim)).toThrow(/dimensions/);
  });
});
