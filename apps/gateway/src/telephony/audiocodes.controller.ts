import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS } from '@huashu/ops';
import {
  acActivitiesSchema,
  acCreateSchema,
  acDisconnectSchema,
  acRefreshSchema,
  AudioCodesBotService,
} from '@huashu/telephony';
import {
  AudioCodesActivitiesDto,
  AudioCodesConversationDto,
  AudioCodesHealthDto,
  AudioCodesRefreshedDto,
} from './dto/audiocodes-responses.dto.js';
import { jsonSchemaOf } from './dto/json-schema.js';
import { AudioCodesAuthGuard } from './telephony.guards.js';

// Error statuses of the Bot API routes (README "Telephony"): the binding error body, as everywhere.
const BODY_ERRORS = {
  ...JSON_BODY_ERRORS,
  400: 'VALIDATION_FAILED: the body breaks the Bot API schema (details: field and rule); MALFORMED_BODY: the body is not JSON',
  ...STORAGE_ERRORS,
} as const;
const NO_CONVERSATION = { 404: 'NOT_FOUND: no such conversation (never created, or expired)' } as const;

/** AudioCodes VoiceAI Connect Bot API, HTTP mode (bot URL = /v1/telephony/audiocodes). */
@ApiTags('telephony')
@ApiErrorResponses({
  401: 'UNAUTHORIZED: no or a wrong Authorization: Bearer token, or AUDIOCODES_BOT_TOKEN is not set (adapter closed)',
})
@Controller('v1/telephony/audiocodes')
@UseGuards(AudioCodesAuthGuard)
export class AudioCodesController {
  constructor(private readonly bot: AudioCodesBotService) {}

  @Get()
  @ApiOperation({ summary: 'Health probe VoiceAI Connect sends to the bot URL.' })
  @ApiOkResponse({ description: 'The bot answers', type: AudioCodesHealthDto })
  health() {
    return this.bot.health();
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create conversation → activities/refresh/disconnect URLs and expiry.' })
  @ApiQuery({ name: 'campaign', required: false, description: 'Campaign of the call (default: default)' })
  @ApiBody({ schema: jsonSchemaOf(acCreateSchema) })
  @ApiOkResponse({ description: 'The conversation’s URLs', type: AudioCodesConversationDto })
  @ApiErrorResponses({ ...BODY_ERRORS, 404: 'NOT_FOUND: the campaign does not exist' })
  create(@Body() body: unknown, @Query('campaign') campaign?: string) {
    return this.bot.create(body, campaign);
  }

  @Post('conversations/:id/activities')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activities from the caller side → bot activities (message, transfer, hangup, sendDtmf).' })
  @ApiBody({ schema: jsonSchemaOf(acActivitiesSchema) })
  @ApiOkResponse({ description: 'What the bot does', type: AudioCodesActivitiesDto })
  @ApiErrorResponses({
    ...BODY_ERRORS,
    ...NO_CONVERSATION,
    409: 'CONVERSATION_BUSY: another delivery of the call’s start event is still running; retry',
  })
  activities(@Param('id') id: string, @Body() body: unknown) {
    return this.bot.activities(id, body);
  }

  @Post('conversations/:id/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Keep-alive of a conversation.' })
  @ApiBody({ schema: jsonSchemaOf(acRefreshSchema), required: false })
  @ApiOkResponse({ description: 'Kept alive', type: AudioCodesRefreshedDto })
  @ApiErrorResponses({ ...BODY_ERRORS, ...NO_CONVERSATION })
  refresh(@Param('id') id: string, @Body() body: unknown) {
    return this.bot.refresh(id, body);
  }

  @Post('conversations/:id/disconnect')
  @HttpCode(200)
  @ApiOperation({ summary: 'End of the call (reason, reasonCode).' })
  @ApiBody({ schema: jsonSchemaOf(acDisconnectSchema), required: false })
  @ApiOkResponse({
    description: 'The call is over: an empty object',
    schema: { type: 'object', properties: {} },
  })
  @ApiErrorResponses({ ...BODY_ERRORS, ...NO_CONVERSATION })
  disconnect(@Param('id') id: string, @Body() body: unknown) {
    return this.bot.disconnect(id, body);
  }
}
