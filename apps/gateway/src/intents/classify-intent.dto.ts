import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { INTENT_NAMES, type IntentName } from '@huashu/intent';
import { CAMPAIGN_ID } from '../compliance/dto/compliance-query.dto.js';

/** Longest utterance the admin classify route accepts (a phone turn is far shorter). */
export const CLASSIFY_MAX_CHARS = 1000;

export class ClassifyIntentDto {
  @ApiProperty({
    description: 'The customer utterance to classify (Chinese or English).',
    maxLength: CLASSIFY_MAX_CHARS,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(CLASSIFY_MAX_CHARS)
  text!: string;
}

export class IntentScoreDto {
  @ApiProperty({ description: 'Intent name (DESIGN §3).', enum: INTENT_NAMES })
  name!: IntentName;

  @ApiProperty({ description: 'Calibrated confidence in [0, 1].' })
  confidence!: number;
}

export class ClassifyIntentResponseDto {
  @ApiProperty({ description: 'The chosen intent; out_of_scope below the model threshold.', type: IntentScoreDto })
  intent!: IntentScoreDto;

  @ApiProperty({ description: 'Every intent of the model by confidence, highest first.', type: [IntentScoreDto] })
  ranking!: IntentScoreDto[];
}

export class ClassifyIntentQueryDto {
  @ApiPropertyOptional({
    description:
      'Classify as a turn of this campaign does: its intent threshold, then its intent examples (one said word for ' +
      'word decides; the nearest where the model answers out_of_scope). Without it, the model alone with its ' +
      'fitted threshold.',
    example: 'default',
  })
  @IsOptional()
  @Matches(CAMPAIGN_ID, { message: 'campaign must be 1-64 letters, digits, _ or -' })
  campaign?: string;
}

export class IntentExampleDto {
  @ApiProperty({ description: 'The campaign intent example nearest to the utterance.' })
  text!: string;

  @ApiProperty({ description: 'Encoder similarity between the utterance and the example.' })
  similarity!: number;

  @ApiPropertyOptional({
    description: 'The script the example was given for (intentExamples.byScript); its intent is the one taken.',
  })
  scriptId?: string;

  @ApiPropertyOptional({
    description: 'The utterance is the example word for word: it decides even over an in-scope prediction.',
  })
  exact?: boolean;
}

export class CampaignClassifyIntentResponseDto extends ClassifyIntentResponseDto {
  @ApiProperty({
    description:
      'What decided the intent: the model, or a campaign intent example (the model said out_of_scope, or the example was said word for word).',
    enum: ['model', 'campaign-example'],
  })
  source!: 'model' | 'campaign-example';

  @ApiPropertyOptional({
    description: 'The example that decided the intent (source campaign-example).',
    type: IntentExampleDto,
  })
  example?: IntentExampleDto;
}

/** GET /v1/admin/intents/examples/report?campaign= */
export class ExamplesReportQueryDto {
  @ApiPropertyOptional({
    description: 'Campaign whose intent examples to check (default `default`).',
    example: 'default',
  })
  @IsOptional()
  @IsString()
  @Matches(CAMPAIGN_ID, { message: 'campaign must be 1-64 letters, digits, _ or -' })
  campaign?: string;
}

/** GET /v1/admin/intents/examples/report (the shape is IntentExamplesReport in libs/dialogue). */
export class IntentExamplesReportDto {
  @ApiProperty() campaignId!: string;
  @ApiProperty({ description: 'Encoder model id the similarities come from.' }) encoder!: string;
  @ApiProperty({ description: 'The campaign’s intentExamples.threshold.' }) threshold!: number;
  @ApiProperty({ description: 'Examples in all (byIntent and byScript).' }) examples!: number;
  @ApiProperty({
    description:
      'Every script byScript names: {scriptId, examples, status: ok | no-intent | disabled | unpublished | missing, intent?}. ' +
      'Examples of a script that is not ok are passed over by turns.',
    type: 'array',
    items: { type: 'object' },
  })
  scripts!: unknown[];
  @ApiProperty({
    description:
      'The same wording (case-, space- and punctuation-blind) given for different intents or scripts: {text, owners}.',
    type: 'array',
    items: { type: 'object' },
  })
  duplicates!: unknown[];
  @ApiProperty({
    description:
      'Pairs of examples at the threshold or nearer that lead to another intent or script, nearest first, at most 100: ' +
      '{similarity, a: {text, owner}, b: {text, owner}}; owner is {intent} or {scriptId, intent?}.',
    type: 'array',
    items: { type: 'object' },
  })
  confusable!: unknown[];
  @ApiProperty({ description: 'Confusable pairs in all.' }) confusableTotal!: number;
  @ApiProperty({
    description:
      'Examples the intent model puts in another in-scope intent (said word for word they decide; near wordings ' +
      'get the model’s intent): {text, owner, predicted: {name, confidence}}.',
    type: 'array',
    items: { type: 'object' },
  })
  modelDisagrees!: unknown[];
}
