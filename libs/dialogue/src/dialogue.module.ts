import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { CampaignsModule } from '@huashu/campaigns';
import { ComplianceModule } from '@huashu/compliance';
import { GeneratorModule } from '@huashu/generator';
import { IntentModule } from '@huashu/intent';
import { ScriptsModule } from '@huashu/scripts';
import { DoNotCallRepository } from './actions/do-not-call.repository.js';
import { CallbackMetrics } from './callbacks/callback.metrics.js';
import { CallbackScheduler } from './callbacks/callback.scheduler.js';
import { DIALOGUE_QUEUES } from './dialogue.constants.js';
import { DialogueMetrics } from './pipeline/dialogue.metrics.js';
import { DialogueService } from './pipeline/dialogue.service.js';
import { TranscriptExporter } from './audit/transcript-exporter.js';
import { SessionRepository } from './session/session.repository.js';
import { ThreadedDialogue } from './threads/threaded-dialogue.js';
import { TurnThreadPool } from './threads/turn-thread.pool.js';
import { DIALOGUE } from './turn-result.js';

/**
 * The turn pipeline, bound to DIALOGUE for transports (REST chat, telephony adapters), with the
 * modules it orchestrates. Needs the global OpsModule (config, Redis, metrics, BullMQ root).
 */
@Module({
  imports: [
    CampaignsModule,
    IntentModule,
    ComplianceModule,
    GeneratorModule,
    // Also brings the (global) EmbeddingModule the pipeline embeds utterances with.
    ScriptsModule,
    BullModule.registerQueue({ name: DIALOGUE_QUEUES.callbacks }),
  ],
  providers: [
    SessionRepository,
    DoNotCallRepository,
    CallbackMetrics,
    CallbackScheduler,
    DialogueMetrics,
    DialogueService,
    TranscriptExporter,
    TurnThreadPool,
    ThreadedDialogue,
    // With DIALOGUE_TURN_THREADS > 0, plain turns run in worker threads (threads/turn-thread.pool.ts).
    {
      provide: DIALOGUE,
      inject: [APP_CONFIG, DialogueService, ThreadedDialogue],
      useFactory: (config: AppConfig, local: DialogueService, threaded: ThreadedDialogue) =>
        config.dialogue.turnThreads > 0 ? threaded : local,
    },
  ],
  exports: [DIALOGUE, DialogueService, TranscriptExporter, TurnThreadPool],
})
export class DialogueModule {}
