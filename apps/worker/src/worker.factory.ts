import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@huashu/config';
import { createHttpApp, type OpsOptions } from '@huashu/ops';
import { WorkerModule } from './worker.module.js';

/**
 * The worker: BullMQ processors plus a small HTTP surface (/health/live, /health/ready, /metrics)
 * on WORKER_PORT so orchestrators can probe it.
 */
export async function createWorker(config: AppConfig, ops: OpsOptions = {}): Promise<NestFastifyApplication> {
  return createHttpApp(WorkerModule.forRoot(config, ops), config);
}
