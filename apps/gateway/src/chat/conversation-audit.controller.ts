import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DialogueService } from '@huashu/dialogue';
import { ApiErrorResponses, STORAGE_ERRORS } from '@huashu/ops';
import { AdminRoles } from '../auth/index.js';
import { ConversationIdParam } from './dto/conversation-id.dto.js';

class ConversationAuditDto {
  @ApiProperty({ description: 'The conversation’s id' })
  conversationId!: string;
  // The records are the audit stream's entries as written (README "Dialogue and REST chat"): their
  // fields grow with the pipeline, so they are documented as open objects.
  @ApiProperty({
    description:
      'One record per turn and per end event, oldest first: intent, planned/actual route, generator, compliance, script, library version, similarity, threshold, timings, degraded, effects',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  records!: Record<string, unknown>[];
}

@ApiTags('admin')
@ApiErrorResponses(STORAGE_ERRORS)
@Controller('v1/admin/conversations')
@AdminRoles('viewer')
export class ConversationAuditController {
  constructor(private readonly conversations: DialogueService) {}

  @Get(':id/audit')
  @ApiOperation({ summary: 'Per-turn audit records: intent, route, generator, compliance, script, timings.' })
  @ApiOkResponse({ type: ConversationAuditDto })
  @ApiErrorResponses({
    400: 'VALIDATION_FAILED: not a conversation id',
    404: 'NOT_FOUND: the conversation left no record',
  })
  audit(@Param() { id }: ConversationIdParam): Promise<{ conversationId: string; records: Record<string, unknown>[] }> {
    return this.conversations.audit(id);
  }
}
