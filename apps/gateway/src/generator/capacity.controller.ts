import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { planCapacity, resolveCapacityInput, type CapacityPlan } from '@huashu/generator';
import { ApiErrorResponses } from '@huashu/ops';
import { AdminRoles } from '../auth/index.js';
import { CapacityPlanDto } from './capacity-plan.dto.js';
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
  @ApiOkResponse({ description: 'The memory plan', type: CapacityPlanDto })
  @ApiErrorResponses({
    400: 'VALIDATION_FAILED: an unknown or out-of-range parameter, or a model description that is incomplete or inconsistent (one details entry per field)',
  })
  capacity(@Query() query: CapacityQueryDto): CapacityPlan {
    return planCapacity(resolveCapacityInput({ ...query }));
  }
}
