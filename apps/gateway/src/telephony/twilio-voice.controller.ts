import { Body, Controller, Header, Headers, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MEDIA_TYPES, type BodyRouteConfig } from '@huashu/ops';
import { TwilioVoiceService } from '@huashu/telephony';
import { TwilioSignatureGuard } from './telephony.guards.js';

/** Twilio Voice webhooks (<Gather input="speech">, status, <Dial>/<Connect> actions) → TwiML. */
@ApiTags('telephony')
@Controller('v1/telephony/twilio')
@UseGuards(TwilioSignatureGuard)
export class TwilioVoiceController {
  constructor(private readonly voice: TwilioVoiceService) {}

  @Post('voice')
  // Twilio posts its webhooks form-encoded, and signs those form fields; nothing else is taken here.
  @RouteConfig({ bodyTypes: [MEDIA_TYPES.form] } satisfies BodyRouteConfig)
  @ApiConsumes(MEDIA_TYPES.form)
  @HttpCode(200)
  @Header('content-type', 'text/xml; charset=utf-8')
  @ApiOperation({ summary: 'Twilio voice webhook (form-encoded) → TwiML.' })
  webhook(
    @Body() body: unknown,
    @Query('campaign') campaign?: string,
    @Query('mode') mode?: string,
    @Headers('i-twilio-idempotency-token') idempotency?: string,
  ): Promise<string> {
    return this.voice.webhook(body, { campaign, mode: mode === 'relay' ? 'relay' : 'gather' }, idempotency);
  }
}
