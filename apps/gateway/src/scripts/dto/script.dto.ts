import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { INTENT_NAMES, type IntentName } from '@huashu/intent';
import { SCRIPT_ID_PATTERN, SCRIPT_LIMITS, SCRIPT_STAGES, type ScriptStage } from '@huashu/scripts';

/** The fields of a script a client controls (PUT body). */
export class ScriptBodyDto {
  @ApiProperty({
    description: 'What the customer hears; `{slot}` placeholders allowed',
    maxLength: SCRIPT_LIMITS.textMaxChars,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(SCRIPT_LIMITS.textMaxChars)
  text!: string;

  @ApiPropertyOptional({ description: 'Intent this script answers (scripted route, fallbacks)', enum: INTENT_NAMES })
  @IsOptional()
  @IsIn(INTENT_NAMES)
  intent?: IntentName;

  @ApiPropertyOptional({ description: 'Lead stage this script is for', enum: SCRIPT_STAGES })
  @IsOptional()
  @IsIn(SCRIPT_STAGES)
  stage?: ScriptStage;

  @ApiPropertyOptional({ description: 'Free tags', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SCRIPT_LIMITS.tagsMax)
  @IsString({ each: true })
  @MaxLength(SCRIPT_LIMITS.tagMaxChars, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'A fallback script (answered when nothing matches)' })
  @IsOptional()
  @IsBoolean()
  fallback?: boolean;

  @ApiPropertyOptional({ description: 'Own match threshold (else the campaign’s)', minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number;

  @ApiPropertyOptional({ description: 'Disabled scripts are never matched' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** POST body: a new script. */
export class CreateScriptDto extends ScriptBodyDto {
  @ApiProperty({ description: 'Script id, unique in the campaign', example: 'price-basic' })
  @IsString()
  @Matches(SCRIPT_ID_PATTERN, { message: 'id must be 1-100 letters, digits, _ . - starting with a letter or digit' })
  id!: string;
}

/** PUT body: `id` may be repeated but must equal the path. */
export class ReplaceScriptDto extends ScriptBodyDto {
  @ApiPropertyOptional({ description: 'Must equal the id in the path when given' })
  @IsOptional()
  @IsString()
  id?: string;
}
