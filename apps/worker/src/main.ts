import { ConfigValidationError, loadConfig, type AppConfig } from '@huashu/config';
import { onShutdownSignals } from '@huashu/ops';
import { assertRedisReachable } from '@huashu/redis';
import { createWorker } from './worker.factory.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`huashu worker: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  await assertRedisReachable(config.redis, 'worker');
  const app = await createWorker(config);
  onShutdownSignals(app, config.http.shutdownGraceMs);
  if (config.worker.port > 0) await app.listen({ port: config.worker.port, host: config.http.host });
  else await app.init();
}

void main();
