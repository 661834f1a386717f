import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { INTENT_NAMES, type IntentName } from '@huashu/intent';

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
