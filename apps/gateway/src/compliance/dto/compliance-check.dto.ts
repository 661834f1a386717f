import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { VERDICTS, type Direction, type Verdict } from '@huashu/compliance';

/** One utterance (input) or candidate answer (output); 8k characters covers any turn. */
export const MAX_CHECK_TEXT = 8000;

export class ComplianceCheckDto {
  @ApiProperty({ description: 'Text to screen', maxLength: MAX_CHECK_TEXT, example: '本产品保本保息' })
  @IsString()
  @MaxLength(MAX_CHECK_TEXT)
  text!: string;

  @ApiProperty({
    description: 'input: a customer utterance; output: a candidate answer',
    enum: ['input', 'output'],
  })
  @IsIn(['input', 'output'])
  direction!: Direction;
}

export class ComplianceHitDto {
  @ApiProperty({ description: 'Lexicon or PII category' })
  category!: string;
  @ApiProperty({ description: 'The matched original text' })
  match!: string;
  @ApiProperty({ description: 'UTF-16 start offset in the original text' })
  start!: number;
  @ApiProperty({ description: 'UTF-16 end offset (exclusive) in the original text' })
  end!: number;
}

export class ComplianceResultDto {
  @ApiProperty({ description: 'Verdict under the campaign policy', enum: VERDICTS })
  verdict!: Verdict;
  @ApiProperty({ description: 'The original text with redacted spans masked' })
  text!: string;
  @ApiProperty({ description: 'Every finding, flagged ones included', type: [ComplianceHitDto] })
  hits!: ComplianceHitDto[];
}
