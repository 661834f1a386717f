import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { QueueBase, Worker } from 'bullmq';

/**
 * Every BullMQ Queue and `@Processor` Worker of the app gets an 'error' listener that logs one JSON
 * warning. BullMQ emits 'error' on each failed reconnect; with no listener it prints the error with
 * `console.error` instead (an 8-line stack, not JSON, per queue and attempt while Redis is down),
 * which log pipelines cannot parse. Emitters that already listen (the generation slots) are left alone.
 */
@Injectable()
export class BullErrorLog implements OnApplicationBootstrap {
  private readonly logger = new Logger('BullMQ');

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const { instance } of this.discovery.getProviders()) {
      // WorkerHost's worker exists once @nestjs/bullmq's explorer ran (onModuleInit, before this hook).
      const emitter: unknown = instance instanceof WorkerHost ? instance.worker : instance;
      if (!(emitter instanceof QueueBase) || emitter.listenerCount('error') > 0) continue;
      const kind = emitter instanceof Worker ? 'worker' : 'queue';
      emitter.on('error', (err: Error) => this.logger.warn(`${kind} ${emitter.name}: ${err.message}`));
    }
  }
}
