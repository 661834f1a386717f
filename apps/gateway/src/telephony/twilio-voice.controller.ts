import { Body, Controller, Header, Headers, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, MEDIA_TYPES, STORAGE_ERRORS, type BodyRouteConfig } from '@huashu/ops';
import { TwilioVoiceService, twilioVoiceSchema } from '@huashu/telephony';
import { jsonSchemaOf } from './dto/json-schema.js';
import { TwilioSignatureGuard } from './telephony.guards.js';

/** What the webhook answers: a TwiML document (the route's content-type header says the same). */
const TWIML = 'text/xml';

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
  @Header('content-type', `${TWIML}; charset=utf-8`)
  @ApiOperation({ summary: 'Twilio voice webhook (form-encoded) → TwiML.' })
  @ApiQuery({ name: 'campaign', required: false, description: 'Campaign of the call (default: default)' })
  @ApiQuery({
    name: 'mode',
    required: false,
    enum: ['gather', 'relay'],
    description: 'relay: answer the first webhook with <Connect><ConversationRelay> (default gather)',
  })
  @ApiHeader({
    name: 'i-twilio-idempotency-token',
    required: false,
    description: 'The same on every retry of one webhook: a retry is answered from the first delivery',
  })
  @ApiHeader({ name: 'X-Twilio-Signature', required: true, description: 'Twilio’s signature of the URL and form' })
  @ApiBody({ schema: jsonSchemaOf(twilioVoiceSchema) })
  @ApiOkResponse({
    description: 'TwiML: <Gather> with the reply, <Say> + <Dial> or <Hangup/>, <Connect><ConversationRelay>, or empty',
    content: { [TWIML]: { schema: { type: 'string', description: 'A TwiML <Response> document' } } },
  })
  @ApiErrorResponses({
    ...STORAGE_ERRORS,
    400: 'VALIDATION_FAILED: a form field breaks the webhook schema (CallSid not a Call SID …; details: field and rule)',
    403: 'FORBIDDEN: X-Twilio-Signature does not match, or TWILIO_AUTH_TOKEN is not set (adapter closed)',
    404: 'NOT_FOUND: the campaign of a new call does not exist',
    409: 'CONVERSATION_BUSY: another delivery of the call’s first webhook is still running; retry',
    413: 'PAYLOAD_TOO_LARGE: the body is larger than BODY_LIMIT_BYTES',
    415: 'UNSUPPORTED_MEDIA_TYPE: the body is not application/x-www-form-urlencoded',
  })
  webhook(
    @Body() body: unknown,
    @Query('campaign') campaign?: string,
    @Query('mode') mode?: string,
    @Headers('i-twilio-idempotency-token') idempotency?: string,
  ): Promise<string> {
    return this.voice.webhook(body, { campaign, mode: mode === 'relay' ? 'relay' : 'gather' }, idempotency);
  }
}
