import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { jobId } from '@huashu/redis';
import { CALLBACK_JOBS, DIALOGUE_QUEUES } from '../dialogue.constants.js';
import type { CallbackJob } from './callback-job.js';

/** Attempts of one callback delivery (exponential backoff from 1 s). */
export const CALLBACK_ATTEMPTS = 5;

/** Producer facade of the callbacks queue. */
@Injectable()
export class CallbackScheduler {
  constructor(@InjectQueue(DIALOGUE_QUEUES.callbacks) private readonly queue: Queue<CallbackJob>) {}

  /**
   * Schedule the dialer callback at `job.dueAt`. The job id is derived from the conversation and
   * turn, so a retried or repeated request never schedules a second callback.
   */
  async schedule(job: CallbackJob): Promise<string> {
    const id = jobId('callback', job.conversationId, job.turn);
    await this.queue.add(CALLBACK_JOBS.callBack, job, {
      jobId: id,
      delay: Math.max(0, Date.parse(job.dueAt) - Date.now()),
      attempts: CALLBACK_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
    });
    return id;
  }
}
