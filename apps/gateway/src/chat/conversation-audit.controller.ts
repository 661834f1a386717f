import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DialogueService } from '@huashu/dialogue';
import { AdminRoles } from '../auth/index.js';
import { ConversationIdParam } from './dto/conversation-id.dto.js';

@ApiTags('admin')
@Controller('v1/admin/conversations')
@AdminRoles('viewer')
export class ConversationAuditController {
  constructor(private readonly conversations: DialogueService) {}

  @Get(':id/audit')
  @ApiOperation({ summary: 'Per-turn audit records: intent, route, generator, compliance, script, timings.' })
  audit(@Param() { id }: ConversationIdParam): Promise<{ conversationId: string; records: Record<string, unknown>[] }> {
    return this.conversations.audit(id);
  }
}
