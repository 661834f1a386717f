import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS } from './redis.constants.js';
import { createRedis, waitReady } from './redis.factory.js';

/** Health of the shared Redis connection, for readiness. */
@Injectable()
export class RedisHealth {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async check(timeoutMs = 500): Promise<{ up: boolean; latencyMs?: number; error?: string }> {
    if (this.redis.status !== 'ready') return { up: false, error: `connection ${this.redis.status}` };
    const start = performance.now();
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('ping timeout')), timeoutMs).unref()),
      ]);
      return { up: true, latencyMs: performance.now() - start };
    } catch (err) {
      return { up: false, error: (err as Error).message };
    }
  }
}

@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Start serving once Redis is connected; if it is not within the timeout, readiness says so. */
  async onModuleInit(): Promise<void> {
    try {
      await waitReady(this.redis, this.config.redis.connectTimeoutMs);
    } catch (err) {
      this.logger.warn(`starting without Redis: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.redis.quit();
    } catch (err) {
      this.logger.warn(`quit failed: ${(err as Error).message}`);
      this.redis.disconnect();
    }
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const client = createRedis(config.redis, { name: 'main', prefixed: true });
        // Errors surface through readiness; without a listener ioredis would log every retry.
        client.on('error', () => undefined);
        return client;
      },
    },
    RedisHealth,
    RedisLifecycle,
  ],
  exports: [REDIS, RedisHealth],
})
export class RedisModule {}
