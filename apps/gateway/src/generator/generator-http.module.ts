import { Module } from '@nestjs/common';
import { GeneratorModule } from '@huashu/generator';
import { AdminAuthGuard } from '../auth/index.js';
import { CapacityController } from './capacity.controller.js';

/** Gateway side of the generator: GENERATOR (queue facade or in-process provider) and the planner route. */
@Module({
  imports: [GeneratorModule],
  controllers: [CapacityController],
  providers: [AdminAuthGuard],
  exports: [GeneratorModule],
})
export class GeneratorHttpModule {}
