import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@huashu/config';
import { OpsModule } from '@huashu/ops';
import { DialogueModule } from '../dialogue.module.js';

/**
 * What a turn thread hosts: the ops providers (config, Redis, logs, its own metrics) and the
 * dialogue pipeline with every model and index it needs. No HTTP server: the gateway's event loop
 * hands it turns (turn-thread.pool.ts).
 */
@Module({})
export class TurnThreadModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: TurnThreadModule,
      imports: [OpsModule.forRoot(config, 'gateway', { thread: true }), DialogueModule],
    };
  }
}
