import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@huashu/config';
import { createHttpApp, type OpsOptions } from '@huashu/ops';
import { WorkerModule } from './worker.module.js';

/**
 * Smallest body limit Fastify takes (it refuses 0). The worker's routes take no body, so BODY_LIMIT_BYTES
 * (the gateway's, up to 16 MiB) does not apply: a body of more than one byte, to any path (GET and HEAD
 * bodies are never parsed), is refused with 413 from its Content-Length before it is read, instead of
 * being buffered and parsed on the event loop that runs the generation jobs, then answered 404.
 */
export const WORKER_BODY_LIMIT_BYTES = 1;

/**
 * The worker: BullMQ processors plus a small HTTP surface (/health/live, /health/ready, /metrics)
 * on WORKER_PORT so orchestrators can probe it.
 */
export async function createWorker(config: AppConfig, ops: OpsOptions = {}): Promise<NestFastifyApplication> {
  return createHttpApp(WorkerModule.forRoot(config, ops), config, { bodyLimitBytes: WORKER_BODY_LIMIT_BYTES });
}
