import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@huashu/config';
import { createHttpApp, OpsModule, type OpsOptions } from '@huashu/ops';
import { createGateway } from '../../apps/gateway/src/gateway.factory.js';
import { createWorker } from '../../apps/worker/src/worker.factory.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from './redis-prefix.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const EDITOR_KEY = 'test-editor-key-0123456789';
export const VIEWER_KEY = 'test-viewer-key-0123456789';

/** Environment of a test gateway: own Redis prefix, known admin keys, quiet logs. */
export function testEnv(label: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: uniquePrefix(label),
    LOG_LEVEL: 'silent',
    ADMIN_API_KEYS: `${ADMIN_KEY}:admin,${EDITOR_KEY}:editor,${VIEWER_KEY}:viewer`,
    PORT: '0',
    WORKER_PORT: '0',
    // Turns in the event loop: a turn thread would add its start-up to every boot (specs of threads set it).
    DIALOGUE_TURN_THREADS: '0',
    // The longest turn deadline of the campaigns the specs create (support/dialogue.ts TEST_DEADLINES):
    // it sizes the conversation lock, which caps a turn's deadline, and the telephony adapters' own turn
    // budget, so neither cuts a turn short of its campaign's deadline on a loaded machine.
    TURN_DEADLINE_PHONE_MS: '8000',
    TURN_DEADLINE_REST_MS: '8000',
    ...overrides,
  };
}

export interface Booted {
  app: INestApplication;
  config: AppConfig;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/** Boot the real gateway on an ephemeral port against real Redis under a fresh key prefix. */
export async function bootGateway(
  label: string,
  overrides: Record<string, string> = {},
  ops: OpsOptions = {},
): Promise<Booted> {
  const config = loadConfig(testEnv(label, overrides));
  return listen(await createGateway(config, ops), config);
}

/**
 * Boot the shared HTTP stack (OpsModule: health, metrics, logs, body parsing, validation, errors)
 * with only `modules` besides, on an ephemeral port under a fresh key prefix: a spec that needs one
 * feature's wiring, or a probe controller, without the gateway's other modules.
 */
export async function bootHttpStack(
  label: string,
  modules: (Type | DynamicModule)[],
  overrides: Record<string, string> = {},
): Promise<Booted> {
  const config = loadConfig(testEnv(label, overrides));
  const root = { module: class HttpStackRoot {}, imports: [OpsModule.forRoot(config, 'gateway'), ...modules] };
  return listen(await createHttpApp(root, config), config);
}

async function listen(app: NestFastifyApplication, config: AppConfig): Promise<Booted> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return wrap(app, config, true);
}

/** Boot the real worker (no HTTP listener) sharing a gateway's config, so both use one prefix. */
export async function bootWorker(config: AppConfig, opts: { listen?: boolean } & OpsOptions = {}): Promise<Booted> {
  const app = await createWorker(config, opts);
  if (opts.listen) await app.listen({ port: 0, host: '127.0.0.1' });
  else await app.init();
  return wrap(app, config, opts.listen ?? false, false);
}

function wrap(app: INestApplication, config: AppConfig, listening: boolean, ownsPrefix = listening): Booted {
  let url = '';
  if (listening) {
    const address = app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    config,
    url,
    close: async () => {
      await app.close();
      if (ownsPrefix) await deletePrefix(config.redis.keyPrefix);
    },
  };
}
