import { Module } from '@nestjs/common';
import { DialogueModule } from '@huashu/dialogue';
import { AdminAuthGuard } from '../auth/index.js';
import { ChatAuthGuard } from './chat-auth.guard.js';
import { ChatController } from './chat.controller.js';
import { ConversationAuditController } from './conversation-audit.controller.js';

/** REST chat (DESIGN §4 "Chat") and the conversation audit viewer. */
@Module({
  imports: [DialogueModule],
  controllers: [ChatController, ConversationAuditController],
  providers: [ChatAuthGuard, AdminAuthGuard],
})
export class ChatModule {}
