import { ConfigValidationError, loadConfig, type AppConfig } from '@huashu/config';
import { onShutdownSignals } from '@huashu/ops';
import { assertRedisReachable } from '@huashu/redis';
import { createGateway } from './gateway.factory.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`huashu gateway: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  await assertRedisReachable(config.redis, 'gateway');
  const app = await createGateway(config);
  onShutdownSignals(app, config.http.shutdownGraceMs);
  await app.listen({ port: config.http.port, host: config.http.host });
}

void main();
