import type { AppConfig } from '@huashu/config';
import { createRedis, waitReady } from './redis.factory.js';

/** Redact credentials from a Redis URL before printing it. */
const safeUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

/**
 * Start-up check: exit with one clear line when Redis does not answer, instead of a stack of
 * reconnect errors.
 */
export async function assertRedisReachable(config: AppConfig['redis'], app: string): Promise<void> {
  const client = createRedis(config, { name: `${app}-preflight`, prefixed: false, lazy: true });
  client.on('error', () => undefined);
  try {
    await Promise.all([client.connect(), waitReady(client, config.connectTimeoutMs)]);
    await client.ping();
    client.disconnect();
  } catch {
    client.disconnect();
    process.stderr.write(
      `huashu ${app}: cannot reach Redis at ${safeUrl(config.url)} — start one with ` +
        `\`redis-server --daemonize yes\` (or \`docker compose up -d redis\`) or set REDIS_URL.\n`,
    );
    process.exit(1);
  }
}
