import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RedisQueueBackend, type Worker } from 'bullmq';

/**
 * Closes each `@Processor` Worker with `close(true)` (force: do not wait for active jobs) when its
 * Redis connection is not ready at shutdown. BullMQ's normal `close()` waits for the active jobs to
 * finish and their completion to reach Redis, which never happens during an outage, so the process
 * hung until the shutdown bound and exited 1. A job abandoned this way is not lost: its lock expires
 * and BullMQ's stalled-job check hands it to another worker. With Redis up, @nestjs/bullmq's own
 * `close()` runs afterwards (onApplicationShutdown) and drains active jobs as before.
 */
@Injectable()
export class BullWorkerShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger('BullMQ');

  constructor(private readonly discovery: DiscoveryService) {}

  async beforeApplicationShutdown(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const { instance } of this.discovery.getProviders()) {
      if (!(instance instanceof WorkerHost)) continue;
      const worker: Worker = instance.worker as Worker;
      // The later close() of @nestjs/bullmq gets this same closing promise.
      if (!(await redisReady(worker))) closing.push(forceClose(worker, `worker ${worker.name}`, this.logger));
    }
    await Promise.all(closing);
  }
}

/**
 * Close a Worker: drain its active jobs when Redis is connected, else force (see BullWorkerShutdown).
 * For Workers created by hand (the generation slots).
 */
export async function closeBullWorker(worker: Worker, label: string, logger: { warn(message: string): void }) {
  await ((await redisReady(worker)) ? worker.close() : forceClose(worker, label, logger));
}

async function redisReady(worker: Worker): Promise<boolean> {
  const backend = worker.getBackend();
  if (!(backend instanceof RedisQueueBackend)) return true;
  // BullMQ's RedisConnection keeps saying 'ready' through an outage; ioredis's own status does not.
  const client = await backend.connection.client.catch(() => undefined);
  return client?.status === 'ready';
}

function forceClose(worker: Worker, label: string, logger: { warn(message: string): void }): Promise<void> {
  logger.warn(`${label}: Redis is not connected; closing without waiting for active jobs`);
  return worker.close(true);
}
