import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { GenericEventsService, genericEventSchema, type GenericEventResponse } from '@huashu/telephony';
import { TelephonyEventsGuard } from './telephony.guards.js';

/** Generic telephony events (FreeSWITCH/Asterisk integrators): internal event JSON in, reply + action out. */
@ApiTags('telephony')
@Controller('v1/telephony/events')
@UseGuards(TelephonyEventsGuard)
export class TelephonyEventsController {
  constructor(private readonly events: GenericEventsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'One call event (start, user_text, barge_in, dtmf, no_input, hangup, transfer_result).' })
  @ApiBody({ schema: z.toJSONSchema(genericEventSchema, { io: 'input' }) as Record<string, unknown> })
  handle(@Body() body: unknown): Promise<GenericEventResponse> {
    return this.events.handle(body);
  }
}
