import { hashSeed, sampleCandidate, seededRandom, type ScoredCandidate } from './candidate-sampler.js';

const cands: ScoredCandidate[] = [
  { id: 'a', text: 'The basic plan is cheap and simple.', score: 0.9 },
  { id: 'b', text: 'We offer a discount for new customers.', score: 0.85 },
  { id: 'c', text: 'Installation is free of charge.', score: 0.8 },
  { id: 'd', text: 'Support is available every day.', score: 0.3 },
];

const counts = (params: Parameters<typeof sampleCandidate>[1], said: string[] = [], n = 400) => {
  const c: Record<string, number> = {};
  for (let s = 0; s < n; s++) {
    const id = sampleCandidate(cands, params, said, s)!.choice.id;
    c[id] = (c[id] ?? 0) + 1;
  }
  return c;
};

describe('candidate sampling', () => {
  it('is deterministic under a seed', () => {
    const a = sampleCandidate(cands, { temperature: 1.5 }, [], 1234)!.choice.id;
    for (let i = 0; i < 5; i++) expect(sampleCandidate(cands, { temperature: 1.5 }, [], 1234)!.choice.id).toBe(a);
    const r = seededRandom(7);
    const s = seededRandom(7);
    expect([r(), r(), r()]).toEqual([s(), s(), s()]);
    expect(hashSeed('abc')).toBe(hashSeed('abc'));
    expect(hashSeed('abc')).not.toBe(hashSeed('abd'));
  });

  it('greedy (do_sample=false, temperature 0, beam search) takes the best score', () => {
    for (const p of [{ do_sample: false }, { temperature: 0 }, { num_beams: 3 }])
      expect(counts(p, [], 20)).toEqual({ a: 20 });
  });

  it('temperature spreads the choice; low temperature concentrates it', () => {
    const hot = counts({ temperature: 2 });
    const cold = counts({ temperature: 0.2 });
    expect(Object.keys(hot).length).toBeGreaterThanOrEqual(3);
    expect(cold.a).toBeGreaterThan(hot.a);
    expect(cold.a / 400).toBeGreaterThan(0.9);
  });

  it('top_p keeps only the nucleus and top_k the k best', () => {
    // T = 2: logits 9, 8.5, 8, 3 → p ≈ 0.505, 0.306, 0.186, 0.001.
    expect(Object.keys(counts({ temperature: 2, top_p: 0.5 }))).toEqual(['a']);
    expect(Object.keys(counts({ temperature: 2, top_p: 0.8 })).sort()).toEqual(['a', 'b']);
    expect(Object.keys(counts({ temperature: 2, top_p: 0.95 })).sort()).toEqual(['a', 'b', 'c']);
    expect(Object.keys(counts({ temperature: 5, top_k: 2 })).sort()).toEqual(['a', 'b']);
  });

  it('no_repeat_ngram_size bans replies repeating an n-gram the bot already said', () => {
    const said = ['Our basic plan is cheap and simple, really.'];
    const r = sampleCandidate(cands, { do_sample: false, no_repeat_ngram_size: 3 }, said, 1)!;
    expect(r.choice.id).toBe('b');
    expect(r.trace.bannedByNgram).toBe(1);
    // Everything banned: the least repetitive one still answers.
    const all = sampleCandidate([cands[0]], { do_sample: false, no_repeat_ngram_size: 2 }, said, 1)!;
    expect(all.choice.id).toBe('a');
  });

  it('repetition_penalty steers away from what the bot already said', () => {
    const said = ['The basic plan is cheap and simple.'];
    expect(sampleCandidate(cands, { do_sample: false }, said, 1)!.choice.id).toBe('a');
    expect(sampleCandidate(cands, { do_sample: false, repetition_penalty: 1.5 }, said, 1)!.choice.id).toBe('b');
    const plain = counts({ temperature: 1 }, said);
    const penalised = counts({ temperature: 1, repetition_penalty: 1.3 }, said);
    expect(penalised.a ?? 0).toBeLessThan(plain.a);
  });

  it('repetition_penalty leaves the candidates it is told to leave as they are', () => {
    const said = ['The basic plan is cheap and simple.'];
    expect(
      sampleCandidate(cands, { do_sample: false, repetition_penalty: 1.5 }, said, 1, new Set(['a']))!.choice.id,
    ).toBe('a');
  });

  it('returns nothing for no candidates', () => {
    expect(sampleCandidate([], {}, [], 1)).toBeUndefined();
  });
});
