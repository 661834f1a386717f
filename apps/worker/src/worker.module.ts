import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@huashu/config';
import { GenerationProcessorModule } from '@huashu/generator';
import { DialogueCallbacksModule } from '@huashu/dialogue';
import { OpsModule, type OpsOptions } from '@huashu/ops';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, ops: OpsOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        OpsModule.forRoot(config, 'worker', ops),
        GenerationProcessorModule,
        DialogueCallbacksModule,
        // BullMQ processor modules (generation, callbacks, index builds, exports) are added here.
      ],
    };
  }
}
