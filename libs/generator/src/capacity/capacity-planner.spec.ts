import { MODEL_PRESETS, planCapacity } from './capacity-planner.js';

const llama6b = MODEL_PRESETS['llama-6b'];

describe('capacity planner', () => {
  it.each([
    ['fp32', 24],
    ['fp16', 12],
    ['bf16', 12],
    ['int8', 6],
    ['int4', 3],
  ] as const)('6B parameters in %s need %d GB for the weights (seed page 3)', (precision, gb) => {
    expect(planCapacity({ ...llama6b, precision, concurrentCalls: 1 }).weightsGB).toBe(gb);
  });

  it('sizes the KV cache: LLaMA-6B fp16 at 2048 tokens is 2·32·32·128·2 B = 512 KiB per token, 1.074 GB per call', () => {
    const plan = planCapacity({ ...llama6b, precision: 'fp16', concurrentCalls: 10 });
    expect(plan.kvCacheBytesPerToken).toBe(524288);
    expect(plan.kvCachePerCallGB).toBeCloseTo(1.0737, 4);
    expect(plan.kvCacheGB).toBeCloseTo(10.737, 3);
    // activations: (4096 + 11008) × 2048 × 2 B = 61.9 MB per call; + 1.3 GB CUDA
    expect(plan.activationPerCallGB).toBeCloseTo(0.0619, 4);
    expect(plan.overheadGB).toBeCloseTo(1.3 + 0.619, 3);
    expect(plan.totalGB).toBeCloseTo(12 + 10.737 + 1.919, 2);
  });

  it('grouped-query attention shrinks the cache by heads / kv heads', () => {
    const mha = planCapacity({ ...MODEL_PRESETS['llama-3-8b'], kvHeads: 32, precision: 'fp16', concurrentCalls: 1 });
    const gqa = planCapacity({ ...MODEL_PRESETS['llama-3-8b'], precision: 'fp16', concurrentCalls: 1 });
    expect(mha.kvCacheBytesPerToken / gqa.kvCacheBytesPerToken).toBe(4);
    expect(gqa.kvCacheBytesPerToken).toBe(131072);
  });

  it('counts the calls an 80 GB GPU holds: int8 LLaMA-6B', () => {
    const plan = planCapacity({ ...llama6b, precision: 'int8', concurrentCalls: 1, gpuMemoryGB: 80 });
    // (80 − 6 − 1.3) / (1.0737 + 0.0619) = 64.0 → 64
    expect(plan.maxConcurrentCalls).toBe(64);
    expect(plan.fits).toBe(true);
    expect(planCapacity({ ...llama6b, precision: 'fp32', concurrentCalls: 1, gpuMemoryGB: 24 })).toMatchObject({
      maxConcurrentCalls: 0,
      fits: false,
    });
  });

  it('defaults the KV precision to fp16, fp32 for fp32 weights', () => {
    expect(planCapacity({ ...llama6b, precision: 'int4', concurrentCalls: 1 }).input.kvPrecision).toBe('fp16');
    expect(planCapacity({ ...llama6b, precision: 'fp32', concurrentCalls: 1 }).input.kvPrecision).toBe('fp32');
  });
});
