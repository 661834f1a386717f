import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AudioCodesBotService } from '@huashu/telephony';
import { AudioCodesAuthGuard } from './telephony.guards.js';

/** AudioCodes VoiceAI Connect Bot API, HTTP mode (bot URL = /v1/telephony/audiocodes). */
@ApiTags('telephony')
@Controller('v1/telephony/audiocodes')
@UseGuards(AudioCodesAuthGuard)
export class AudioCodesController {
  constructor(private readonly bot: AudioCodesBotService) {}

  @Get()
  @ApiOperation({ summary: 'Health probe VoiceAI Connect sends to the bot URL.' })
  health() {
    return this.bot.health();
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create conversation → activities/refresh/disconnect URLs and expiry.' })
  create(@Body() body: unknown, @Query('campaign') campaign?: string) {
    return this.bot.create(body, campaign);
  }

  @Post('conversations/:id/activities')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activities from the caller side → bot activities (message, transfer, hangup, sendDtmf).' })
  activities(@Param('id') id: string, @Body() body: unknown) {
    return this.bot.activities(id, body);
  }

  @Post('conversations/:id/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Keep-alive of a conversation.' })
  refresh(@Param('id') id: string, @Body() body: unknown) {
    return this.bot.refresh(id, body);
  }

  @Post('conversations/:id/disconnect')
  @HttpCode(200)
  @ApiOperation({ summary: 'End of the call (reason, reasonCode).' })
  disconnect(@Param('id') id: string, @Body() body: unknown) {
    return this.bot.disconnect(id, body);
  }
}
