import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DoNotCallRepository } from '../actions/do-not-call.repository.js';
import { DIALOGUE_QUEUES } from '../dialogue.constants.js';
import { CallbackDelivery } from './callback-delivery.service.js';
import { CallbackMetrics } from './callback.metrics.js';
import { CallbackScheduler } from './callback.scheduler.js';
import { DialerCallbackProcessor } from './dialer-callback.processor.js';
import { DialerWebhookClient } from './dialer-webhook.client.js';

/**
 * Worker side of scheduled callbacks: the processor that POSTs due callbacks to the dialer, after a
 * last look at the do-not-call list.
 */
@Module({
  imports: [BullModule.registerQueue({ name: DIALOGUE_QUEUES.callbacks })],
  providers: [
    DoNotCallRepository,
    CallbackMetrics,
    CallbackScheduler,
    DialerWebhookClient,
    CallbackDelivery,
    DialerCallbackProcessor,
  ],
})
export class DialogueCallbacksModule {}
