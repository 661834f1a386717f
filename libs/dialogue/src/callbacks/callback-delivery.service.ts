import { Injectable, Logger } from '@nestjs/common';
import { DoNotCallRepository } from '../actions/do-not-call.repository.js';
import type { CallbackJob } from './callback-job.js';
import { CALLBACK_DROP_REASONS, CALLBACK_DROP_STAGES, CallbackMetrics } from './callback.metrics.js';
import { CallbackScheduler } from './callback.scheduler.js';
import { DialerWebhookClient, type DeliveryOutcome } from './dialer-webhook.client.js';

/** What became of a due callback: sent (now or before), or dropped because the number is listed. */
export type CallbackOutcome = DeliveryOutcome | 'dropped-do-not-call';

/**
 * Delivers a due callback, unless its number is on the campaign's do-not-call list by then: a listing
 * removes the number's pending jobs (CallbackScheduler.cancelFor), but a number listed by another path,
 * or a job the listing could not remove (the worker held it), must not be called back either. So the
 * list is read right before the POST, and a dropped callback is logged and counted
 * (`huashu_dialogue_callbacks_dropped_total{stage="delivery"}`). A callback without a phone number
 * (matched by conversation id) has no number to check and goes out.
 */
@Injectable()
export class CallbackDelivery {
  private readonly logger = new Logger(CallbackDelivery.name);

  constructor(
    private readonly doNotCall: DoNotCallRepository,
    private readonly client: DialerWebhookClient,
    private readonly scheduler: CallbackScheduler,
    private readonly metrics: CallbackMetrics,
  ) {}

  async deliver(id: string, job: CallbackJob): Promise<CallbackOutcome> {
    if (job.phone && (await this.doNotCall.has(job.campaignId, job.phone))) {
      this.metrics.dropped.inc({ reason: CALLBACK_DROP_REASONS.doNotCall, stage: CALLBACK_DROP_STAGES.delivery });
      this.logger.warn(
        { jobId: id, conversationId: job.conversationId, campaignId: job.campaignId, reason: 'do_not_call' },
        'dialer callback dropped: the number is on the do-not-call list',
      );
      await this.scheduler.forget(job, id);
      return 'dropped-do-not-call';
    }
    const outcome = await this.client.deliver(id, job);
    await this.scheduler.forget(job, id);
    return outcome;
  }
}
