import { Module } from '@nestjs/common';
import { IntentModule } from '@huashu/intent';
import { AdminAuthGuard } from '../auth/index.js';
import { IntentsController } from './intents.controller.js';

/** POST /v1/admin/intents/classify. */
@Module({ imports: [IntentModule], controllers: [IntentsController], providers: [AdminAuthGuard] })
export class IntentsHttpModule {}
