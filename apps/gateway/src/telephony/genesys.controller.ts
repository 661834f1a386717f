import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS } from '@huashu/ops';
import { GenesysBotService, genesysMessageSchema } from '@huashu/telephony';
import { GenesysBotDto, GenesysBotsDto, GenesysReplyDto } from './dto/genesys-responses.dto.js';
import { jsonSchemaOf } from './dto/json-schema.js';
import { GenesysSecretGuard } from './telephony.guards.js';

/** Genesys Cloud Digital Bot Connector (v2); Bot Connector URI = /v1/telephony/genesys. */
@ApiTags('telephony')
@ApiErrorResponses({
  403: 'FORBIDDEN: the connection secret header is missing or wrong, or GENESYS_SECRET_HEADER/GENESYS_SECRET are not set (adapter closed)',
})
@Controller('v1/telephony/genesys')
@UseGuards(GenesysSecretGuard)
export class GenesysController {
  constructor(private readonly bot: GenesysBotService) {}

  @Get('bots')
  @ApiOperation({ summary: 'Bots (one per campaign) for Architect.' })
  @ApiOkResponse({ description: 'Every campaign as a bot', type: GenesysBotsDto })
  @ApiErrorResponses(STORAGE_ERRORS)
  bots() {
    return this.bot.listBots();
  }

  @Get('bots/:botId')
  @ApiOperation({ summary: 'One bot with its version, languages and completion intents.' })
  @ApiOkResponse({ description: 'The campaign as a bot', type: GenesysBotDto })
  @ApiErrorResponses({ ...STORAGE_ERRORS, 404: 'NOT_FOUND: no campaign with that id' })
  getBot(@Param('botId') botId: string) {
    return this.bot.getBot(botId);
  }

  @Post('messages')
  @HttpCode(200)
  @ApiOperation({ summary: 'A customer message → replyMessages and botState MoreData|Complete|Failed.' })
  @ApiBody({ schema: jsonSchemaOf(genesysMessageSchema) })
  @ApiOkResponse({
    description:
      'The bot’s answer; an unknown bot, a dialogue failure or unavailable storage is botState Failed, never a 5xx',
    type: GenesysReplyDto,
  })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    400: 'VALIDATION_FAILED: the body breaks the Bot Connector schema (details: field and rule); MALFORMED_BODY: the body is not JSON',
  })
  message(@Body() body: unknown) {
    return this.bot.message(body);
  }
}
