import type { Writable } from 'node:stream';
import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { MetricsModule, ReadinessModule } from '@huashu/common';
import { ConfigModule, type AppConfig } from '@huashu/config';
import { BullRootModule, RedisModule } from '@huashu/redis';
import { HealthController } from './health.controller.js';
import { loggerOptions } from './logging.js';
import { MetricsController } from './metrics.controller.js';

/** Process-level options that are not configuration (tests capture logs through `logStream`). */
export interface OpsOptions {
  logStream?: Writable;
}

/**
 * What every huashu process hosts: validated config, structured logs, metrics, readiness, Redis,
 * BullMQ root, and the /health and /metrics endpoints.
 */
@Module({})
export class OpsModule {
  static forRoot(config: AppConfig, app: 'gateway' | 'worker', opts: OpsOptions = {}): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config, app, opts.logStream)),
        MetricsModule.forRoot(app),
        ReadinessModule,
        RedisModule,
        BullRootModule,
        TerminusModule,
      ],
      controllers: [HealthController, MetricsController],
      exports: [ConfigModule, MetricsModule, ReadinessModule, RedisModule, BullRootModule],
    };
  }
}
