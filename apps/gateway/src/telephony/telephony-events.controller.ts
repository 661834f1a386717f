import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS } from '@huashu/ops';
import { GenericEventsService, genericEventSchema, type GenericEventResponse } from '@huashu/telephony';
import { GenericEventResponseDto } from './dto/generic-event-response.dto.js';
import { jsonSchemaOf } from './dto/json-schema.js';
import { TelephonyEventsGuard } from './telephony.guards.js';

/** Generic telephony events (FreeSWITCH/Asterisk integrators): internal event JSON in, reply + action out. */
@ApiTags('telephony')
@ApiBearerAuth('chat')
@Controller('v1/telephony/events')
@UseGuards(TelephonyEventsGuard)
export class TelephonyEventsController {
  constructor(private readonly events: GenericEventsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'One call event (start, user_text, barge_in, dtmf, no_input, hangup, transfer_result).' })
  @ApiBody({ schema: jsonSchemaOf(genericEventSchema) })
  @ApiOkResponse({ description: 'What to play and what to do', type: GenericEventResponseDto })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    ...STORAGE_ERRORS,
    400: 'VALIDATION_FAILED: an event that breaks the schema (details: field and rule); MALFORMED_BODY: the body is not JSON',
    401: 'UNAUTHORIZED: CHAT_API_KEYS is set and the request has no or an unknown chat key',
    404: 'NOT_FOUND: the start event’s campaign does not exist, or an event of a call never started',
    409: 'CONVERSATION_BUSY: the same call’s start is still running; retry',
  })
  handle(@Body() body: unknown): Promise<GenericEventResponse> {
    return this.events.handle(body);
  }
}
