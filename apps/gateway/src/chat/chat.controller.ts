import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  DIALOGUE,
  DialogueService,
  type ConversationView,
  type DialoguePort,
  type StartedConversation,
  type TurnResult,
} from '@huashu/dialogue';
import { ChatAuthGuard } from './chat-auth.guard.js';
import { ConversationIdParam } from './dto/conversation-id.dto.js';
import { StartConversationDto } from './dto/start-conversation.dto.js';
import { EndConversationDto, TurnDto } from './dto/turn.dto.js';

/** The binding chat API (DESIGN §4): thin, every decision is in the dialogue lib. */
@ApiTags('chat')
@ApiBearerAuth('chat')
@Controller('v1/conversations')
@UseGuards(ChatAuthGuard)
export class ChatController {
  constructor(
    @Inject(DIALOGUE) private readonly dialogue: DialoguePort,
    private readonly conversations: DialogueService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Start a conversation; the reply is the campaign’s opening script.' })
  @ApiCreatedResponse({ description: '{conversationId, reply?}' })
  @ApiConflictResponse({
    description:
      'DO_NOT_CALL: the number is on the campaign’s do-not-call list; CAMPAIGN_NOT_READY: no published library with a catch-all fallback',
  })
  @ApiNotFoundResponse({ description: 'the campaign does not exist' })
  start(@Body() body: StartConversationDto): Promise<StartedConversation> {
    return this.dialogue.start(body);
  }

  @Post(':id/turns')
  @HttpCode(200)
  @ApiOperation({ summary: 'One customer utterance → an approved script and an action (TurnResult).' })
  @ApiOkResponse({ description: 'TurnResult (DESIGN §4)' })
  @ApiConflictResponse({ description: 'CONVERSATION_BUSY (another turn holds the lock) or CONVERSATION_ENDED' })
  turn(
    @Param() { id }: ConversationIdParam,
    @Body() body: TurnDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TurnResult | string> {
    if (!this.dialogue.turnJson) return this.dialogue.turn(id, { text: body.text });
    // A turn thread wrote the TurnResult's JSON: send it as it is instead of parsing and re-serialising.
    void reply.header('content-type', 'application/json; charset=utf-8');
    return this.dialogue.turnJson(id, body.text);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Session state and transcript (customer text redacted).' })
  view(@Param() { id }: ConversationIdParam): Promise<ConversationView> {
    return this.conversations.view(id);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the conversation (idempotent); returns its final state.' })
  async end(@Param() { id }: ConversationIdParam, @Body() body: EndConversationDto): Promise<ConversationView> {
    await this.dialogue.end(id, body.reason ?? 'client');
    return this.conversations.view(id);
  }
}
