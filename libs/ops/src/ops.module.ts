import type { Writable } from 'node:stream';
import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { CLOCK, MetricsModule, ReadinessModule, systemClock, type Clock } from '@huashu/common';
import { ConfigModule, type AppConfig } from '@huashu/config';
import {
  BullErrorLog,
  BullRootModule,
  BullWorkerShutdown,
  REDIS_WATCH_OPTIONS,
  RedisDataWatch,
  RedisEvictionPolicyWatch,
  RedisModule,
  type RedisWatchOptions,
} from '@huashu/redis';
import { HealthController } from './health.controller.js';
import { createRootLogger } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { PinoNestLogger, ROOT_LOGGER } from './pino-nest.logger.js';

/** Process-level options that are not configuration (tests capture logs through `logStream`). */
export interface OpsOptions {
  logStream?: Writable;
  /** A worker thread of a gateway (turn threads): no process metrics, which the main thread reports. */
  thread?: boolean;
  /** The wall clock (CLOCK) where the time of day decides something; default the system's. Tests fix it. */
  clock?: Clock;
}

/**
 * What every huashu process hosts: validated config, structured logs, metrics, readiness, Redis (and
 * the watches that notice Redis lost its data and read its eviction policy), BullMQ root, and the
 * /health and /metrics endpoints.
 */
@Module({})
export class OpsModule {
  static forRoot(config: AppConfig, app: 'gateway' | 'worker', opts: OpsOptions = {}): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot(app, { defaultMetrics: !opts.thread }),
        ReadinessModule,
        RedisModule,
        BullRootModule,
        TerminusModule,
        DiscoveryModule,
      ],
      providers: [
        { provide: ROOT_LOGGER, useValue: createRootLogger(config, app, opts.logStream) },
        PinoNestLogger,
        { provide: CLOCK, useValue: opts.clock ?? systemClock },
        BullErrorLog,
        BullWorkerShutdown,
        // A turn thread forgets and restores its own state; its process's main thread logs and counts.
        {
          provide: REDIS_WATCH_OPTIONS,
          inject: [PinoNestLogger],
          useFactory: (logger: PinoNestLogger): RedisWatchOptions => ({ report: !opts.thread, logger }),
        },
        RedisDataWatch,
        RedisEvictionPolicyWatch,
      ],
      controllers: [HealthController, MetricsController],
      exports: [
        ConfigModule,
        MetricsModule,
        ReadinessModule,
        RedisModule,
        BullRootModule,
        ROOT_LOGGER,
        PinoNestLogger,
        CLOCK,
        RedisDataWatch,
      ],
    };
  }
}
