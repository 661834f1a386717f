import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DIALOGUE_QUEUES } from '../dialogue.constants.js';
import type { CallbackJob } from './callback-job.js';
import { CallbackDelivery, type CallbackOutcome } from './callback-delivery.service.js';

/** Delivers due callbacks to the dialer; retries come from the job's attempts/backoff. */
@Processor(DIALOGUE_QUEUES.callbacks)
export class DialerCallbackProcessor extends WorkerHost {
  private readonly logger = new Logger(DialerCallbackProcessor.name);

  constructor(private readonly delivery: CallbackDelivery) {
    super();
  }

  async process(job: Job<CallbackJob>): Promise<CallbackOutcome> {
    const outcome = await this.delivery.deliver(job.id ?? job.name, job.data);
    this.logger.log({ jobId: job.id, conversationId: job.data.conversationId, outcome }, 'dialer callback');
    return outcome;
  }
}
