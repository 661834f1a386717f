import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { planCapacity, resolveCapacityInput, type CapacityPlan } from '@huashu/generator';
import { AdminRoles } from '../auth/index.js';
import { CapacityQueryDto } from './capacity-query.dto.js';

@ApiTags('admin: generator')
@Controller('v1/admin/generator/capacity')
@AdminRoles('viewer')
export class CapacityController {
  @Get()
  @ApiOperation({
    summary:
      'GPU memory plan for serving a model: weights, KV cache, overhead, and how many concurrent calls a GPU holds.',
  })
  capacity(@Query() query: CapacityQueryDto): CapacityPlan {
    return planCapacity(resolveCapacityInput({ ...query }));
  }
}
