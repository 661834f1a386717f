import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigValidationError, loadConfig, type AppConfig } from '@huashu/config';
import { assertRedisReachable } from '@huashu/redis';
import { onShutdownSignals } from './shutdown.js';

/**
 * The start-up sequence of every huashu process: validate the environment (a bad value exits with
 * the variable and the rule, never the value), check Redis once (one clear line when it is down),
 * build the app, install graceful shutdown, then start it.
 */
export async function runProcess(
  name: 'gateway' | 'worker',
  create: (config: AppConfig) => Promise<NestFastifyApplication>,
  start: (app: NestFastifyApplication, config: AppConfig) => Promise<unknown>,
): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`huashu ${name}: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  await assertRedisReachable(config.redis, name);
  const app = await create(config);
  onShutdownSignals(app, config.http.shutdownGraceMs);
  await start(app, config);
}
