import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ReadinessRegistry } from '@huashu/common';
import { RedisHealth } from '@huashu/redis';
import { LivenessDto, ReadinessDto } from './health.dto.js';
import { ApiErrorResponses } from './http/error-body.dto.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisHealth,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers.' })
  @ApiOkResponse({ description: 'The process answers', type: LivenessDto })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Redis, models and indexes are usable (503 otherwise).' })
  @ApiOkResponse({ description: 'Every check is up (terminus’ result)', type: ReadinessDto })
  @ApiErrorResponses({
    // terminus throws its result in a ServiceUnavailableException; the filter puts it in details.
    503: 'SERVICE_UNAVAILABLE: a check is down (Redis, its data reloading, a model, the generator, an index still loading); details: [the health check result, status error]',
  })
  ready() {
    return this.health.check([
      async (): Promise<HealthIndicatorResult> => {
        const r = await this.redis.check();
        const ind = this.indicators.check('redis');
        return r.up ? ind.up({ latencyMs: r.latencyMs }) : ind.down({ error: r.error });
      },
      ...this.readiness.list().map((c) => async (): Promise<HealthIndicatorResult> => {
        const ind = this.indicators.check(c.name);
        try {
          const { up, ...info } = await c.check();
          return up ? ind.up(info) : ind.down(info);
        } catch (err) {
          return ind.down({ error: (err as Error).message });
        }
      }),
    ]);
  }
}
