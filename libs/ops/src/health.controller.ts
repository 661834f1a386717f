import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ReadinessRegistry } from '@huashu/common';
import { RedisHealth } from '@huashu/redis';

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
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Redis, models and indexes are usable (503 otherwise).' })
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
