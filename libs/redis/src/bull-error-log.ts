import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { QueueBase, RedisQueueBackend, Worker } from 'bullmq';
import { ErrorLogThrottle, type ThrottledLog } from './error-log-throttle.js';

/** At most one summary line per connection and error code in this long. */
export const BULL_ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Every BullMQ Queue and `@Processor` Worker of the app gets an 'error' listener that logs one JSON
 * warning. BullMQ emits 'error' on each failed reconnect; with no listener it prints the error with
 * `console.error` instead (an 8-line stack, not JSON, per queue and attempt while Redis is down),
 * which log pipelines cannot parse. Repeats are de-duplicated per connection and error code
 * (`ErrorLogThrottle`) and the reconnect is logged once. Emitters that already have an 'error'
 * listener are left alone. Workers created by hand (the generation slots) are not providers, so this
 * never sees them: they call `logBullErrors` themselves.
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
      logBullErrors(emitter as QueueBase, `${kind} ${emitter.name}`, this.logger);
    }
  }
}

/**
 * Log `emitter`'s errors through an ErrorLogThrottle labelled `label`, and its reconnect once. For
 * Workers created by hand (the generation slots) as for the ones BullErrorLog finds.
 */
export function logBullErrors(emitter: QueueBase, label: string, logger: ThrottledLog): void {
  const throttle = new ErrorLogThrottle(label, logger, BULL_ERROR_LOG_INTERVAL_MS);
  emitter.on('error', (err: Error) => throttle.error(err));
  // The Redis backend forwards ioredis's 'ready', which comes after every (re)connect.
  const backend = emitter.getBackend();
  if (backend instanceof RedisQueueBackend) backend.on('ready', () => throttle.recovered());
}
