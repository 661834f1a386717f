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
      'Classify as a turn of this campaign does: its intent threshold, then its intent examples where the model ' +
      'answers out_of_scope. Without it, the model alone with its fitted threshold.',
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
}

export class CampaignClassifyIntentResponseDto extends ClassifyIntentResponseDto {
  @ApiProperty({
    description: 'What decided the intent: the model, or a campaign intent example (the model said out_of_scope).',
    enum: ['model', 'campaign-example'],
  })
  source!: 'model' | 'campaign-example';

  @ApiPropertyOptional({
    description: 'The example that decided the intent (source campaign-example).',
    type: IntentExampleDto,
  })
  example?: IntentExampleDto;
}
