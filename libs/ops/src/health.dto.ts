import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVICTION_RISK } from '@huashu/redis';

// /health/* answers for /docs: documentation only, the routes send terminus' result as it is. Each
// indicator is one ReadinessCheck (`ReadinessRegistry`), registered by the lib that owns it; its
// fields are what that check returns besides `up`, so a check that reports a new field must name it
// here too (test/openapi-documents-platform-responses.e2e-spec.ts refuses undocumented fields).

export class LivenessDto {
  @ApiProperty({ description: 'Always ok: the process answers', enum: ['ok'] })
  status!: 'ok';
}

class HealthIndicatorDto {
  @ApiProperty({ description: 'up, or down (then the whole readiness is 503)', enum: ['up', 'down'] })
  status!: 'up' | 'down';
  @ApiPropertyOptional({ description: 'Why it is down (also any check that threw)' })
  error?: string;
}

export class RedisIndicatorDto extends HealthIndicatorDto {
  @ApiPropertyOptional({ description: 'PING round trip, when up' })
  latencyMs?: number;
}

export class RedisDataIndicatorDto extends HealthIndicatorDto {
  @ApiPropertyOptional({
    description:
      'Down while what Redis lost (all its data, or writes after a rollback) is reloaded (README "Redis data loss")',
  })
  recovering?: string;
  @ApiPropertyOptional({ description: 'When this process last noticed that Redis lost its data (ISO 8601)' })
  lastLossAt?: string;
  @ApiPropertyOptional({
    description: 'When this process last noticed that Redis went back in time (failover, older snapshot; ISO 8601)',
  })
  lastRollbackAt?: string;
  @ApiPropertyOptional({
    description:
      'How the latest data check failed other than by Redis being unreachable (a key of the wrong type, a script ' +
      'error); still up: losses go unnoticed until a check reads again',
  })
  checkError?: string;
}

export class RedisEvictionPolicyIndicatorDto extends HealthIndicatorDto {
  @ApiProperty({ description: 'Redis maxmemory-policy, or "not read yet"', example: 'noeviction' })
  policy!: string;
  @ApiPropertyOptional({ description: 'What the policy may evict', enum: Object.values(EVICTION_RISK) })
  risk?: string;
  @ApiPropertyOptional({ description: 'Redis maxmemory in bytes (0: no limit)' })
  maxmemory?: number;
}

export class IntentModelIndicatorDto extends HealthIndicatorDto {
  @ApiProperty({ description: 'The model directory' })
  dir!: string;
  @ApiPropertyOptional({ description: 'Model kind, when loaded', example: 'bag-mlp' })
  kind?: string;
  @ApiPropertyOptional({ description: 'Weights precision, when loaded', example: 'int8' })
  precision?: string;
  @ApiPropertyOptional({ description: 'Model version (hash of its files), when loaded' })
  version?: string;
  @ApiProperty({ description: 'Hot reloads since start' })
  reloads!: number;
  @ApiPropertyOptional({ description: 'Why the last load or reload failed' })
  lastError?: string;
}

export class EmbedderIndicatorDto extends HealthIndicatorDto {
  @ApiProperty({ description: 'EMBEDDER_PROVIDER', example: 'builtin' })
  provider!: string;
  @ApiPropertyOptional({ description: 'The loaded model' })
  modelId?: string;
  @ApiPropertyOptional({ description: 'Vector dimension' })
  dim?: number;
}

export class ComplianceIndicatorDto extends HealthIndicatorDto {
  @ApiProperty({ description: 'Version of the default lexicon' })
  lexiconVersion!: number;
  @ApiProperty({ description: 'Patterns its matcher holds' })
  patterns!: number;
}

export class GeneratorIndicatorDto extends HealthIndicatorDto {
  @ApiProperty({ description: 'GENERATOR_MODE', enum: ['inprocess', 'queue'] })
  mode!: string;
  @ApiPropertyOptional({ description: 'GENERATOR_PROVIDER (absent on a queue-mode gateway)', example: 'retrieval' })
  provider?: string;
  @ApiPropertyOptional({ description: 'retrieval: dialogue pairs it retrieves from' })
  pairs?: number;
  @ApiPropertyOptional({ description: 'retrieval: its model label' })
  model?: string;
  @ApiPropertyOptional({ description: 'openai: backend family and host' })
  backend?: string;
  @ApiPropertyOptional({ description: 'openai: circuit breaker state (open: down)', example: 'closed' })
  breaker?: string;
}

interface ScriptIndexCampaign {
  version: number;
  size: number;
  kind: string;
}

export class ScriptIndexIndicatorDto extends HealthIndicatorDto {
  @ApiProperty({
    description: 'Per campaign id, the published index this gateway holds',
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        version: { type: 'number', description: 'Published library version held in memory' },
        size: { type: 'number', description: 'Vectors in its index' },
        kind: { type: 'string', description: 'Index kind', example: 'hnsw' },
      },
      required: ['version', 'size', 'kind'],
    },
  })
  campaigns!: Record<string, ScriptIndexCampaign>;
  @ApiPropertyOptional({ description: 'Campaigns whose published index is still loading (down meanwhile)' })
  loading?: string[];
}

/** One entry per readiness check; which are present depends on the process and its configuration. */
export class HealthIndicatorsDto {
  @ApiPropertyOptional({ type: RedisIndicatorDto })
  redis?: RedisIndicatorDto;
  @ApiPropertyOptional({ type: RedisDataIndicatorDto })
  redisData?: RedisDataIndicatorDto;
  @ApiPropertyOptional({ type: RedisEvictionPolicyIndicatorDto })
  redisEvictionPolicy?: RedisEvictionPolicyIndicatorDto;
  @ApiPropertyOptional({ name: 'intent-model', type: IntentModelIndicatorDto })
  intentModel?: IntentModelIndicatorDto;
  @ApiPropertyOptional({ type: EmbedderIndicatorDto })
  embedder?: EmbedderIndicatorDto;
  @ApiPropertyOptional({ type: ComplianceIndicatorDto })
  compliance?: ComplianceIndicatorDto;
  @ApiPropertyOptional({ type: GeneratorIndicatorDto })
  generator?: GeneratorIndicatorDto;
  @ApiPropertyOptional({ type: ScriptIndexIndicatorDto })
  scriptIndex?: ScriptIndexIndicatorDto;
}

/** terminus' health check result (200 when every check is up; inside the 503 error body's details otherwise). */
export class ReadinessDto {
  @ApiProperty({ description: 'ok when every check is up, else error', enum: ['ok', 'error'] })
  status!: 'ok' | 'error';
  @ApiProperty({ description: 'The checks that are up', type: HealthIndicatorsDto })
  info!: HealthIndicatorsDto;
  @ApiProperty({ description: 'The checks that are down', type: HealthIndicatorsDto })
  error!: HealthIndicatorsDto;
  @ApiProperty({ description: 'Every check', type: HealthIndicatorsDto })
  details!: HealthIndicatorsDto;
}
