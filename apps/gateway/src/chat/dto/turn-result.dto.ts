import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VERDICTS, type Verdict } from '@huashu/compliance';
import {
  ACTION_REASONS,
  ACTIONS,
  DISCLOSURE_EFFECTS,
  DO_NOT_CALL_EFFECTS,
  LEAD_STAGES,
  ROUTES,
  type Action,
  type DisclosureEffect,
  type DoNotCallEffect,
  type LeadStage,
  type Route,
} from '@huashu/dialogue';
import { ComplianceHitDto } from '../../compliance/dto/compliance-check.dto.js';
import { IntentScoreDto } from '../../intents/classify-intent.dto.js';

// Response shapes of the chat API (DESIGN §4) for /docs. Documentation only: the routes return the
// dialogue lib's objects (or a turn thread's JSON) as they are, nothing is converted through these.

const SIMILARITY = {
  type: Number,
  nullable: true,
  minimum: -1,
  maximum: 1,
} as const;

export class ReplyPartDto {
  @ApiProperty({ description: 'The approved script’s text, slots filled' })
  text!: string;
  @ApiProperty({ description: 'Script id' })
  scriptId!: string;
  @ApiProperty({ description: 'Cosine similarity of the generated sentence to the script', ...SIMILARITY })
  similarity!: number | null;
}

export class FollowOnDto {
  @ApiProperty({ description: 'Id of the script said right after the first', example: 'zh-intro-product' })
  scriptId!: string;
  @ApiProperty({ description: 'Its text as said, slots filled' })
  text!: string;
}

export class ReplyDto {
  @ApiProperty({ description: 'What the customer hears: an approved script, slots filled' })
  text!: string;
  @ApiProperty({ description: 'Id of the script said', example: 'price-basic' })
  scriptId!: string;
  @ApiProperty({ description: 'Published library version the script is from', type: 'integer', example: 7 })
  libraryVersion!: number;
  @ApiProperty({
    description:
      'Similarity of the candidate to the script (null when no match was made: the opening, a scripted pick by intent, a fallback without candidate)',
    ...SIMILARITY,
    example: 0.91,
  })
  similarity!: number | null;
  @ApiProperty({ description: 'True when the reply is a fallback script' })
  fallback!: boolean;
  @ApiPropertyOptional({
    description:
      'Streamed replies only (telephony streaming): the approved scripts in the order sent; `text` is them joined. Additive.',
    type: [ReplyPartDto],
  })
  parts?: ReplyPartDto[];
  @ApiPropertyOptional({
    description:
      'The script said right after the first in the same reply (campaign `followOns`: a line that promises content, ' +
      'then the line that delivers it); `text` is both joined, `scriptId` the first. Additive.',
    type: FollowOnDto,
  })
  followOn?: FollowOnDto;
}

export class StartedConversationDto {
  @ApiProperty({ description: 'The conversation’s id', example: 'c_Xb3…' })
  conversationId!: string;
  @ApiPropertyOptional({ description: 'The campaign’s opening script, when it has one', type: ReplyDto })
  reply?: ReplyDto;
}

export class CallbackDueDto {
  @ApiProperty({ description: 'When the customer is called back (ISO 8601, UTC)', format: 'date-time' })
  dueAt!: string;
  @ApiProperty({
    description: 'IANA time zone the customer’s words were read in (the campaign’s, else the process’s)',
    example: 'Asia/Shanghai',
  })
  timeZone!: string;
  @ApiPropertyOptional({
    description: 'The words the time was read from; absent when the default delay applied',
    example: '明天下午',
  })
  requested?: string;
}

export class CallingHoursDto {
  @ApiProperty({ description: 'First time of day a callback may be due (HH:MM, campaign clock)', example: '09:00' })
  start!: string;
  @ApiProperty({ description: 'Time of day callbacks stop, not included (HH:MM; 24:00 is midnight)', example: '20:00' })
  end!: string;
}

export class TurnCallbackDto extends CallbackDueDto {
  @ApiPropertyOptional({
    description:
      'When the time asked for (or the default delay) fell outside the campaign’s calling hours: that time ' +
      '(ISO 8601, UTC); dueAt is then the next time within them. Absent when it was within',
    format: 'date-time',
  })
  movedFrom?: string;
  @ApiPropertyOptional({
    description: 'The campaign’s calling hours movedFrom was outside of; present with movedFrom',
    type: CallingHoursDto,
  })
  callingHours?: CallingHoursDto;
  @ApiProperty({
    description:
      'Whether huashu schedules the callback (a dialer webhook is configured); when false, the client has to',
  })
  scheduled!: boolean;
  @ApiPropertyOptional({
    description: 'Why it was not scheduled; absent when it was',
    example: 'DIALER_WEBHOOK_URL is not set',
  })
  notScheduledReason?: string;
}

export class ActionDetailDto {
  @ApiProperty({
    description: 'Why the call is transferred or hung up (route_table: the campaign’s route table said so)',
    enum: Object.values(ACTION_REASONS),
  })
  reason!: string;
  @ApiPropertyOptional({ description: 'Transfer target (the campaign’s)', example: 'sales-closers' })
  target?: string;
  @ApiPropertyOptional({ description: 'Transfer: the lead summary for the human taking over' })
  summary?: string;
  @ApiPropertyOptional({
    description: 'busy_call_later: the callback time understood, and whether huashu scheduled it',
    type: TurnCallbackDto,
  })
  callback?: TurnCallbackDto;
  @ApiPropertyOptional({
    description:
      'Transfer: the caller’s answers to the campaign’s questions (`questions`), by answer name, redacted, ' +
      'also quoted in the summary',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { address: '我住在阳光小区' },
  })
  answers?: Record<string, string>;
}

export class InputComplianceDto {
  @ApiProperty({ description: 'Input screening verdict', enum: VERDICTS })
  verdict!: Verdict;
  @ApiPropertyOptional({ description: 'Findings in the customer’s text', type: [ComplianceHitDto] })
  hits?: ComplianceHitDto[];
}

export class OutputComplianceDto {
  @ApiProperty({ description: 'Verdict on the candidate answer', enum: VERDICTS })
  verdict!: Verdict;
  @ApiProperty({ description: 'Findings in the candidate answer', type: [ComplianceHitDto] })
  hits!: ComplianceHitDto[];
}

export class TurnComplianceDto {
  @ApiProperty({ type: InputComplianceDto })
  input!: InputComplianceDto;
  @ApiProperty({ type: OutputComplianceDto })
  output!: OutputComplianceDto;
}

export class TurnTimingsDto {
  @ApiProperty({ description: 'Intent classification, ms', minimum: 0 })
  classify!: number;
  @ApiProperty({ description: 'Candidate generation (generator route), ms', minimum: 0 })
  generate!: number;
  @ApiProperty({ description: 'Compliance screening, ms', minimum: 0 })
  comply!: number;
  @ApiProperty({ description: 'Embedding match, ms', minimum: 0 })
  match!: number;
  @ApiProperty({ description: 'The whole turn, ms', minimum: 0 })
  total!: number;
}

/** The binding TurnResult (DESIGN §4) with its additive fields. */
export class TurnResultDto {
  @ApiProperty({ description: 'The conversation’s id', example: 'c_Xb3…' })
  conversationId!: string;
  @ApiProperty({ description: 'Turn number (1 for the first utterance)', type: 'integer', minimum: 1, example: 3 })
  turn!: number;
  @ApiProperty({ type: ReplyDto })
  reply!: ReplyDto;
  @ApiProperty({
    description: 'The intent and its calibrated confidence; out_of_scope below the campaign’s threshold',
    type: IntentScoreDto,
  })
  intent!: IntentScoreDto;
  @ApiProperty({ description: 'How the reply was found', enum: ROUTES })
  route!: Route;
  @ApiProperty({ description: 'What the caller’s side does next', enum: ACTIONS })
  action!: Action;
  @ApiPropertyOptional({
    description:
      'transfer: reason, target and summary; hangup: reason, and the callback for busy_call_later. Additive.',
    type: ActionDetailDto,
  })
  actionDetail?: ActionDetailDto;
  @ApiPropertyOptional({
    description:
      'What the turn did about the do-not-call list: asked to confirm, listed the number (`unlisted`: honoured, but the conversation has no phone number to list), or settled the earlier question. Act on `listed` (record an `unlisted` opt-out yourself), never on the intent name. Additive.',
    enum: DO_NOT_CALL_EFFECTS,
  })
  doNotCall?: DoNotCallEffect;
  @ApiPropertyOptional({
    description:
      'Set on a turn that answered a caller asking whether they talk to a bot: `given` (the library’s disclosure script was said, the call goes on) or `transferred` (the library has none: the call went to a person by the ask_human route). Additive.',
    enum: DISCLOSURE_EFFECTS,
  })
  disclosure?: DisclosureEffect;
  @ApiProperty({ description: 'Lead stage after the turn', enum: LEAD_STAGES })
  leadStage!: LeadStage;
  @ApiProperty({ description: 'A stage failed or overran; the reply is a fallback script' })
  degraded!: boolean;
  @ApiProperty({ type: TurnComplianceDto })
  compliance!: TurnComplianceDto;
  @ApiProperty({ type: TurnTimingsDto })
  timingsMs!: TurnTimingsDto;
}
