import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DIALOGUE_QUEUES } from '../dialogue.constants.js';
import type { CallbackJob } from './callback-job.js';
import { DialerWebhookClient, type DeliveryOutcome } from './dialer-webhook.client.js';

/** Delivers due callbacks to the dialer; retries come from the job's attempts/backoff. */
@Processor(DIALOGUE_QUEUES.callbacks)
export class DialerCallbackProcessor extends WorkerHost {
  private readonly logger = new Logger(DialerCallbackProcessor.name);

  constructor(private readonly client: DialerWebhookClient) {
    super();
  }

  async process(job: Job<CallbackJob>): Promise<DeliveryOutcome> {
    const outcome = await this.client.deliver(job.id ?? job.name, job.data);
    this.logger.log({ jobId: job.id, conversationId: job.data.conversationId, outcome }, 'dialer callback');
    return outcome;
  }
}
