import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DIALOGUE_QUEUES } from '../dialogue.constants.js';
import { DialerCallbackProcessor } from './dialer-callback.processor.js';
import { DialerWebhookClient } from './dialer-webhook.client.js';

/** Worker side of scheduled callbacks: the processor that POSTs due callbacks to the dialer. */
@Module({
  imports: [BullModule.registerQueue({ name: DIALOGUE_QUEUES.callbacks })],
  providers: [DialerWebhookClient, DialerCallbackProcessor],
})
export class DialogueCallbacksModule {}
