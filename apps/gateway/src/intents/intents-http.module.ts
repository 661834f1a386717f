import { Module } from '@nestjs/common';
import { DialogueModule } from '@huashu/dialogue';
import { IntentModule } from '@huashu/intent';
import { AdminAuthGuard } from '../auth/index.js';
import { IntentsController } from './intents.controller.js';

/** POST /v1/admin/intents/classify (the dialogue's classify step with ?campaign=). */
@Module({ imports: [IntentModule, DialogueModule], controllers: [IntentsController], providers: [AdminAuthGuard] })
export class IntentsHttpModule {}
