import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Answers of the AudioCodes Bot API HTTP mode for /docs: documentation only, the routes return what
// AudioCodesBotService builds (field names are AudioCodes', see libs/telephony/src/audiocodes).

export class AudioCodesHealthDto {
  @ApiProperty({ description: 'The Bot API the bot speaks', enum: ['ac-bot-api'] })
  type!: 'ac-bot-api';
  @ApiProperty({ description: 'Always true: the bot URL answers' })
  success!: boolean;
}

export class AudioCodesConversationDto {
  @ApiProperty({ description: 'Where VoiceAI Connect posts the call’s activities (under PUBLIC_BASE_URL)' })
  activitiesURL!: string;
  @ApiProperty({ description: 'Where it posts keep-alives' })
  refreshURL!: string;
  @ApiProperty({ description: 'Where it posts the end of the call' })
  disconnectURL!: string;
  @ApiProperty({ description: 'Longest wait between requests before refreshURL must be called', example: 120 })
  expiresSeconds!: number;
}

export class AudioCodesRefreshedDto {
  @ApiProperty({ description: 'As in the create answer', example: 120 })
  expiresSeconds!: number;
}

class SipHeaderDto {
  @ApiProperty({ description: 'Header name', example: 'X-Huashu-Conversation' })
  name!: string;
  @ApiProperty({ description: 'Header value (the customer’s words percent-encoded UTF-8)' })
  value!: string;
}

class AudioCodesActivityParamsDto {
  @ApiPropertyOptional({ description: 'message: the speech language of the text', example: 'zh-CN' })
  language?: string;
  @ApiPropertyOptional({ description: 'sendDtmf: the digits' })
  dtmfDigits?: string;
  @ApiPropertyOptional({ description: 'transfer: why' })
  handoverReason?: string;
  @ApiPropertyOptional({ description: 'transfer: where to (absent when neither turn nor campaign names one)' })
  transferTarget?: string;
  @ApiPropertyOptional({ description: 'transfer: SIP headers on the REFER', type: [SipHeaderDto] })
  transferSipHeaders?: SipHeaderDto[];
  @ApiPropertyOptional({ description: 'hangup: why' })
  hangupReason?: string;
  @ApiPropertyOptional({ description: 'hangup: SIP headers on the BYE', type: [SipHeaderDto] })
  hangupSipHeaders?: SipHeaderDto[];
}

class AudioCodesBotActivityDto {
  @ApiProperty({ description: 'Activity id' })
  id!: string;
  @ApiProperty({ description: 'ISO 8601' })
  timestamp!: string;
  @ApiProperty({ description: 'message: speak text; event: sendDtmf, transfer or hangup', enum: ['message', 'event'] })
  type!: 'message' | 'event';
  @ApiPropertyOptional({ description: 'message: the approved script to speak' })
  text?: string;
  @ApiPropertyOptional({ description: 'event: which', enum: ['sendDtmf', 'transfer', 'hangup'] })
  name?: 'sendDtmf' | 'transfer' | 'hangup';
  @ApiPropertyOptional({ type: AudioCodesActivityParamsDto })
  activityParams?: AudioCodesActivityParamsDto;
}

export class AudioCodesActivitiesDto {
  @ApiProperty({ description: 'The conversation id of the URL' })
  conversation!: string;
  @ApiProperty({
    description: 'Bot activities in order: message, then sendDtmf, transfer or hangup (none for events not answered)',
    type: [AudioCodesBotActivityDto],
  })
  activities!: AudioCodesBotActivityDto[];
}
