import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MODEL_PRESETS, PRECISIONS, type ModelPreset, type Precision } from '@huashu/generator';

// Response of GET /v1/admin/generator/capacity for /docs: documentation only, the route returns the
// planner's CapacityPlan (libs/generator) as it is.

/** The question answered: the preset's shape with the query's fields over it, defaults filled. */
export class CapacityPlanInputDto {
  @ApiPropertyOptional({ description: 'The model preset asked for', enum: Object.keys(MODEL_PRESETS) })
  model?: ModelPreset;
  @ApiProperty({ description: 'Parameters in billions' })
  paramsB!: number;
  @ApiProperty({ description: 'Transformer layers', type: 'integer' })
  layers!: number;
  @ApiProperty({ description: 'Hidden size', type: 'integer' })
  hiddenSize!: number;
  @ApiProperty({ description: 'Attention heads', type: 'integer' })
  attentionHeads!: number;
  @ApiProperty({ description: 'Key/value heads', type: 'integer' })
  kvHeads!: number;
  @ApiProperty({ description: 'Feed-forward (intermediate) size', type: 'integer' })
  intermediateSize!: number;
  @ApiProperty({ description: 'Context length in tokens each call may fill', type: 'integer' })
  contextLength!: number;
  @ApiProperty({ description: 'Weight precision', enum: PRECISIONS })
  precision!: Precision;
  @ApiProperty({ description: 'KV cache precision', enum: PRECISIONS })
  kvPrecision!: Precision;
  @ApiProperty({ description: 'Concurrent calls planned for', type: 'integer' })
  concurrentCalls!: number;
  @ApiProperty({ description: 'CUDA context and kernel overhead in GB' })
  cudaOverheadGB!: number;
  @ApiPropertyOptional({ description: 'GPU memory in GB, when asked how many calls it holds' })
  gpuMemoryGB?: number;
}

export class CapacityPlanDto {
  @ApiProperty({ description: 'The question answered, defaults filled', type: CapacityPlanInputDto })
  input!: CapacityPlanInputDto;
  @ApiProperty({ description: 'Weights in GB (10^9 bytes)' })
  weightsGB!: number;
  @ApiProperty({ description: 'KV cache bytes per token of context' })
  kvCacheBytesPerToken!: number;
  @ApiProperty({ description: 'KV cache of one call at the full context, GB' })
  kvCachePerCallGB!: number;
  @ApiProperty({ description: 'KV cache of all concurrent calls, GB' })
  kvCacheGB!: number;
  @ApiProperty({ description: 'Activations of one call, GB' })
  activationPerCallGB!: number;
  @ApiProperty({ description: 'CUDA overhead plus the activations of all calls, GB' })
  overheadGB!: number;
  @ApiProperty({ description: 'Weights + KV cache + overhead, GB' })
  totalGB!: number;
  @ApiPropertyOptional({
    description: 'Calls the GPU holds at the full context (with gpuMemoryGB only)',
    type: 'integer',
    minimum: 0,
  })
  maxConcurrentCalls?: number;
  @ApiPropertyOptional({ description: 'Whether the plan fits in gpuMemoryGB (with gpuMemoryGB only)' })
  fits?: boolean;
  @ApiProperty({
    description: 'How each figure was computed, in words: weights, kvCachePerToken, kvCache, overhead',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  formula!: Record<string, string>;
}
