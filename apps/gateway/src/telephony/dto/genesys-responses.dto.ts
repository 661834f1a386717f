import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GENESYS_INTENTS } from '@huashu/telephony';

// Answers of the Genesys Digital Bot Connector (v2) routes for /docs: documentation only, the routes
// return what GenesysBotService builds (field names are Genesys', see libs/telephony/src/genesys).

class GenesysIntentDto {
  @ApiProperty({ description: 'An intent the session can complete with', enum: Object.values(GENESYS_INTENTS) })
  name!: string;
  @ApiProperty({ description: 'Slot entities: none', type: 'array', items: { type: 'object' }, maxItems: 0 })
  entities!: never[];
}

class GenesysBotVersionDto {
  @ApiProperty({ example: '1' })
  version!: string;
  @ApiProperty({ description: 'The campaign’s speech language, lower case', example: ['zh-cn'] })
  supportedLanguages!: string[];
  @ApiProperty({ type: [GenesysIntentDto] })
  intents!: GenesysIntentDto[];
}

export class GenesysBotDto {
  @ApiProperty({ description: 'The campaign id' })
  id!: string;
  @ApiProperty({ description: 'The campaign’s name (up to 100 characters)' })
  name!: string;
  @ApiProperty()
  description!: string;
  @ApiProperty({ enum: ['huashu'] })
  provider!: 'huashu';
  @ApiProperty({ type: [GenesysBotVersionDto] })
  versions!: GenesysBotVersionDto[];
}

export class GenesysBotsDto {
  @ApiProperty({ description: 'One bot per campaign (the sample campaign always)', type: [GenesysBotDto] })
  entities!: GenesysBotDto[];
}

class GenesysReplyMessageDto {
  @ApiProperty({ enum: ['Text'] })
  type!: 'Text';
  @ApiProperty({ description: 'An approved script' })
  text!: string;
}

class GenesysErrorInfoDto {
  @ApiProperty({ example: 'BotError' })
  errorCode!: string;
  @ApiProperty()
  errorMessage!: string;
}

export class GenesysReplyDto {
  @ApiProperty({
    description: 'MoreData: the conversation goes on; Complete: transfer or hangup (intent); Failed: errorInfo',
    enum: ['MoreData', 'Complete', 'Failed'],
  })
  botState!: 'MoreData' | 'Complete' | 'Failed';
  @ApiProperty({ type: [GenesysReplyMessageDto] })
  replyMessages!: GenesysReplyMessageDto[];
  @ApiPropertyOptional({ description: 'With Complete', enum: Object.values(GENESYS_INTENTS) })
  intent?: string;
  @ApiPropertyOptional({ description: 'With Complete: the confidence of the intent that ended it' })
  confidence?: number;
  @ApiPropertyOptional({
    description:
      'Output session variables (strings): conversationId, action, turn, huashuIntent, huashuConfidence, huashuDoNotCall, degraded, transferTarget, reason, summary, callbackDueAt, callbackTimeZone, callbackRequested',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  parameters?: Record<string, string>;
  @ApiPropertyOptional({ description: 'With Failed', type: GenesysErrorInfoDto })
  errorInfo?: GenesysErrorInfoDto;
}
