import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DO_NOT_CALL_EFFECTS, type DoNotCallEffect } from '@huashu/dialogue';
import { CallbackDueDto } from '../../chat/dto/turn-result.dto.js';
import { IntentScoreDto } from '../../intents/classify-intent.dto.js';

// Response of POST /v1/telephony/events (our own protocol) for /docs: documentation only, the route
// returns GenericEventResponse (libs/telephony) as it is.

export class TelephonySayDto {
  @ApiProperty({ description: 'What the caller hears now: an approved script, slots filled' })
  text!: string;
  @ApiProperty({ description: 'Its language (BCP-47), for the speech synthesiser', example: 'zh-CN' })
  language!: string;
}

export class TelephonyTransferDto {
  @ApiPropertyOptional({ description: 'Where to transfer (absent when neither turn nor campaign names one)' })
  target?: string;
  @ApiProperty({ description: 'Why (ready_to_buy, ask_human, dtmf_agent_request …)' })
  reason!: string;
  @ApiPropertyOptional({ description: 'The lead summary for the human taking over' })
  summary?: string;
}

export class TelephonyHangupDto {
  @ApiProperty({ description: 'Why (do_not_call, wrong_person, busy_call_later, no_input, campaign_not_ready …)' })
  reason!: string;
  @ApiPropertyOptional({
    description: 'busy_call_later: the callback time understood (scheduled by huashu only with a dialer webhook)',
    type: CallbackDueDto,
  })
  callback?: CallbackDueDto;
}

export class GenericEventResponseDto {
  @ApiProperty({ description: 'The call id of the event' })
  callId!: string;
  @ApiProperty({ description: 'The conversation of the call (empty when the start was refused)' })
  conversationId!: string;
  @ApiProperty({
    description: 'What to play now, or null: say nothing',
    type: TelephonySayDto,
    nullable: true,
  })
  reply!: TelephonySayDto | null;
  @ApiProperty({
    description: 'continue: play and listen; transfer; hangup; none: say nothing, keep listening',
    enum: ['continue', 'transfer', 'hangup', 'none'],
  })
  action!: 'continue' | 'transfer' | 'hangup' | 'none';
  @ApiPropertyOptional({ description: 'With action transfer', type: TelephonyTransferDto })
  transfer?: TelephonyTransferDto;
  @ApiPropertyOptional({ description: 'With action hangup', type: TelephonyHangupDto })
  hangup?: TelephonyHangupDto;
  @ApiPropertyOptional({ description: 'DTMF digits to play towards the far end', example: '1#' })
  sendDigits?: string;
  @ApiPropertyOptional({
    description: 'The turn’s intent; absent on the turn that asks to confirm a do-not-call',
    type: IntentScoreDto,
  })
  intent?: IntentScoreDto;
  @ApiPropertyOptional({
    description: 'What the turn did about the do-not-call list (flows act on listed; unlisted: no phone to list)',
    enum: DO_NOT_CALL_EFFECTS,
  })
  doNotCall?: DoNotCallEffect;
  @ApiPropertyOptional({ description: 'The dialogue turn answered (0: the opening)', type: 'integer' })
  turn?: number;
  @ApiProperty({
    description:
      'True when the turn failed or overran (error says which) or a pipeline stage degraded it; a reprompt (reprompt: true) is not degraded',
  })
  degraded!: boolean;
  @ApiProperty({
    description: 'True when reply repeats the last prompt (empty speech, DTMF without meaning, no-input)',
  })
  reprompt!: boolean;
  @ApiPropertyOptional({
    description: 'The turn failed (deadline passed or the dialogue threw) and reply is a reprompt',
    enum: ['deadline', 'dialogue'],
  })
  error?: 'deadline' | 'dialogue';
}
