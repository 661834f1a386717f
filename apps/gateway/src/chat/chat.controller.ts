import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  DIALOGUE,
  DialogueService,
  type ConversationView,
  type DialoguePort,
  type StartedConversation,
  type TurnResult,
} from '@huashu/dialogue';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS } from '@huashu/ops';
import { ChatAuthGuard } from './chat-auth.guard.js';
import { ConversationViewDto } from './dto/conversation-view.dto.js';
import { ConversationIdParam } from './dto/conversation-id.dto.js';
import { StartConversationDto } from './dto/start-conversation.dto.js';
import { StartedConversationDto, TurnResultDto } from './dto/turn-result.dto.js';
import { EndConversationDto, TurnDto } from './dto/turn.dto.js';

// Statuses every chat route answers besides its own (README "Errors").
const CHAT_ERRORS = {
  400: 'VALIDATION_FAILED: a bad field or conversation id; MALFORMED_BODY: the body is not JSON',
  401: 'UNAUTHORIZED: CHAT_API_KEYS is set and the request has no or an unknown chat key',
  ...STORAGE_ERRORS,
  503: 'SERVICE_UNAVAILABLE: storage (Redis) or a turn thread is unavailable; retry',
} as const;
const NO_CONVERSATION = { 404: 'NOT_FOUND: no such conversation (or it expired)' } as const;

/** The binding chat API (DESIGN §4): thin, every decision is in the dialogue lib. */
@ApiTags('chat')
@ApiBearerAuth('chat')
@ApiErrorResponses(CHAT_ERRORS)
@Controller('v1/conversations')
@UseGuards(ChatAuthGuard)
export class ChatController {
  constructor(
    @Inject(DIALOGUE) private readonly dialogue: DialoguePort,
    private readonly conversations: DialogueService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Start a conversation; the reply is the campaign’s opening script.' })
  @ApiCreatedResponse({ description: 'The conversation, and its opening reply', type: StartedConversationDto })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    404: 'NOT_FOUND: the campaign does not exist',
    409: 'DO_NOT_CALL: the number is on the campaign’s do-not-call list; CAMPAIGN_NOT_READY: no published library with a catch-all fallback',
  })
  start(@Body() body: StartConversationDto): Promise<StartedConversation> {
    return this.dialogue.start(body);
  }

  @Post(':id/turns')
  @HttpCode(200)
  @ApiOperation({ summary: 'One customer utterance → an approved script and an action (TurnResult).' })
  @ApiOkResponse({ description: 'TurnResult (DESIGN §4)', type: TurnResultDto })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    ...NO_CONVERSATION,
    409: 'CONVERSATION_BUSY: another turn holds the lock, retry; CONVERSATION_ENDED: the conversation has ended',
  })
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
  @ApiOkResponse({ description: 'The session and its transcript', type: ConversationViewDto })
  @ApiErrorResponses(NO_CONVERSATION)
  view(@Param() { id }: ConversationIdParam): Promise<ConversationView> {
    return this.conversations.view(id);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the conversation (idempotent); returns its final state.' })
  @ApiOkResponse({ description: 'The conversation’s final state', type: ConversationViewDto })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    ...NO_CONVERSATION,
    409: 'CONVERSATION_BUSY: a turn of the conversation holds the lock; retry',
  })
  async end(@Param() { id }: ConversationIdParam, @Body() body: EndConversationDto): Promise<ConversationView> {
    await this.dialogue.end(id, body.reason ?? 'client');
    return this.conversations.view(id);
  }
}
