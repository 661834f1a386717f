import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTIONS, CHANNELS, LEAD_STAGES, type Action, type Channel, type LeadStage } from '@huashu/dialogue';
import { INTENT_NAMES, type IntentName } from '@huashu/intent';
import { TurnCallbackDto } from './turn-result.dto.js';

// GET /v1/conversations/{id} and POST …/end (documentation only, as turn-result.dto.ts).

export class ConversationCustomerDto {
  @ApiPropertyOptional({ description: 'Customer name given at start' })
  name?: string;
  @ApiPropertyOptional({ description: 'Phone number (E.164), masked in the middle', example: '+86138****8000' })
  phone?: string;
  @ApiPropertyOptional({ description: 'Language hint given at start, canonical BCP-47', example: 'en-US' })
  language?: string;
}

export class TranscriptEntryDto {
  @ApiProperty({ description: 'Turn the line belongs to (0: the start)', type: 'integer', minimum: 0 })
  turn!: number;
  @ApiProperty({
    description: 'Who: the customer, the bot, or an event (start, end, barge-in)',
    enum: ['customer', 'bot', 'event'],
  })
  role!: 'customer' | 'bot' | 'event';
  @ApiProperty({ description: 'What was said (customer text redacted), or what happened' })
  text!: string;
  @ApiProperty({ description: 'When (ISO 8601)', format: 'date-time' })
  at!: string;
  @ApiPropertyOptional({ description: 'Bot lines: the script said' })
  scriptId?: string;
  @ApiPropertyOptional({ description: 'Customer lines: the intent', enum: INTENT_NAMES })
  intent?: IntentName;
  @ApiPropertyOptional({ description: 'Bot lines: the turn’s action', enum: ACTIONS })
  action?: Action;
  @ApiPropertyOptional({ description: 'Lead stage after the line', enum: LEAD_STAGES })
  leadStage?: LeadStage;
  @ApiPropertyOptional({ description: 'The warmest stage reached on the turn', enum: LEAD_STAGES })
  reachedStage?: LeadStage;
  @ApiPropertyOptional({ description: 'Barge-in events: what the caller heard of the bot line before' })
  heard?: string;
}

/** A conversation's session state and transcript. */
export class ConversationViewDto {
  @ApiProperty({ description: 'The conversation’s id', example: 'c_Xb3…' })
  conversationId!: string;
  @ApiProperty({ description: 'Its campaign' })
  campaignId!: string;
  @ApiProperty({ description: 'Channel (sets the turn deadline)', enum: CHANNELS })
  channel!: Channel;
  @ApiProperty({ description: 'active, or ended (by /end, a hangup or a transfer)', enum: ['active', 'ended'] })
  status!: 'active' | 'ended';
  @ApiProperty({ description: 'Lead stage', enum: LEAD_STAGES })
  leadStage!: LeadStage;
  @ApiProperty({ description: 'Turns taken (the greeting is turn 0)', type: 'integer', minimum: 0 })
  turns!: number;
  @ApiProperty({ type: ConversationCustomerDto })
  customer!: ConversationCustomerDto;
  @ApiPropertyOptional({
    description:
      'The library language (script tag) the start’s language hint found: replies to words that do not tell the caller’s language are in it. Absent without a hint, or when the library has no scripts in it',
    example: 'en',
  })
  language?: string;
  @ApiProperty({ description: 'The metadata given at start', type: 'object', additionalProperties: true })
  metadata!: Record<string, unknown>;
  @ApiProperty({ description: 'Started (ISO 8601)', format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ description: 'Last change (ISO 8601)', format: 'date-time' })
  updatedAt!: string;
  @ApiPropertyOptional({ description: 'Ended (ISO 8601)', format: 'date-time' })
  endedAt?: string;
  @ApiPropertyOptional({ description: 'Why it ended: an action reason, or the reason given to /end' })
  endReason?: string;
  @ApiPropertyOptional({
    description: 'busy_call_later: the callback asked for on the turn that ended the call (as in its actionDetail)',
    type: TurnCallbackDto,
  })
  callback?: TurnCallbackDto;
  @ApiPropertyOptional({
    description: 'The caller’s answers to the campaign’s questions (`questions`), by answer name, redacted',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { address: '我住在阳光小区' },
  })
  answers?: Record<string, string>;
  @ApiProperty({ description: 'Every line, oldest first', type: [TranscriptEntryDto] })
  transcript!: TranscriptEntryDto[];
}
