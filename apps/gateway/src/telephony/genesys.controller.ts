import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GenesysBotService } from '@huashu/telephony';
import { GenesysSecretGuard } from './telephony.guards.js';

/** Genesys Cloud Digital Bot Connector (v2); Bot Connector URI = /v1/telephony/genesys. */
@ApiTags('telephony')
@Controller('v1/telephony/genesys')
@UseGuards(GenesysSecretGuard)
export class GenesysController {
  constructor(private readonly bot: GenesysBotService) {}

  @Get('bots')
  @ApiOperation({ summary: 'Bots (one per campaign) for Architect.' })
  bots() {
    return this.bot.listBots();
  }

  @Get('bots/:botId')
  @ApiOperation({ summary: 'One bot with its version, languages and completion intents.' })
  getBot(@Param('botId') botId: string) {
    return this.bot.getBot(botId);
  }

  @Post('messages')
  @HttpCode(200)
  @ApiOperation({ summary: 'A customer message → replyMessages and botState MoreData|Complete|Failed.' })
  message(@Body() body: unknown) {
    return this.bot.message(body);
  }
}
