import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { MODEL_PRESETS, PRECISIONS, type ModelPreset, type Precision } from '@huashu/generator';

const PRESETS = Object.keys(MODEL_PRESETS) as ModelPreset[];

/** Query of GET /v1/admin/generator/capacity: a model preset and/or its architecture, precision, load. */
export class CapacityQueryDto {
  @ApiPropertyOptional({ description: `Model preset: ${PRESETS.join(', ')}`, enum: PRESETS })
  @IsOptional()
  @IsIn(PRESETS)
  model?: ModelPreset;

  @ApiPropertyOptional({ description: 'Parameters in billions (e.g. 6 for a 6B model)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(2000)
  paramsB?: number;

  @ApiPropertyOptional({ description: 'Transformer layers' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  layers?: number;

  @ApiPropertyOptional({ description: 'Hidden size' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  hiddenSize?: number;

  @ApiPropertyOptional({ description: 'Attention heads' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  attentionHeads?: number;

  @ApiPropertyOptional({ description: 'Key/value heads (grouped-query attention); defaults to attentionHeads' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1024)
  kvHeads?: number;

  @ApiPropertyOptional({ description: 'Feed-forward (intermediate) size' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000000)
  intermediateSize?: number;

  @ApiPropertyOptional({ description: 'Context length in tokens each call may fill' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000000)
  contextLength?: number;

  @ApiPropertyOptional({ description: 'Weight precision', enum: PRECISIONS, default: 'fp16' })
  @IsOptional()
  @IsIn(PRECISIONS)
  precision?: Precision;

  @ApiPropertyOptional({ description: 'KV cache precision (default fp16; fp32 for fp32 weights)', enum: PRECISIONS })
  @IsOptional()
  @IsIn(PRECISIONS)
  kvPrecision?: Precision;

  @ApiPropertyOptional({ description: 'Concurrent calls to plan for', default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  concurrentCalls?: number;

  @ApiPropertyOptional({ description: 'GPU memory in GB (10^9 bytes), to get how many calls it holds' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(100000)
  gpuMemoryGB?: number;

  @ApiPropertyOptional({ description: 'CUDA context and kernel overhead in GB (default 1.3, seed page 3)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  cudaOverheadGB?: number;
}
