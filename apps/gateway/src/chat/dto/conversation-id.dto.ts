import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ConversationIdParam {
  @ApiProperty({ description: 'Conversation id from POST /v1/conversations.', example: 'c_Xb3…' })
  @Matches(/^c_[A-Za-z0-9_-]{8,64}$/, { message: 'id is not a conversation id' })
  id!: string;
}
