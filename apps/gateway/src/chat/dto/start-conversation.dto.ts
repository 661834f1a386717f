import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { canonicalLanguage, MAX_LANGUAGE_TAG_LENGTH } from '@huashu/dialogue';

/** A well-formed BCP-47 language tag, as ECMA-402 judges it (the dialogue's `canonicalLanguage`). */
const IsLanguageTag = () =>
  ValidateBy({
    name: 'isLanguageTag',
    validator: {
      validate: (v: unknown) => canonicalLanguage(v) !== undefined,
      defaultMessage: () => 'language must be a BCP-47 language tag such as "en", "en-US" or "zh-CN"',
    },
  });

export class CustomerDto {
  @ApiPropertyOptional({ description: 'Customer name, fills the {customer_name} slot of scripts.', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    description: 'Phone number (any common spelling; normalised to E.164). Checked against the do-not-call list.',
    example: '+86 138 0013 8000',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[+0-9 ()./-]{3,32}$/, { message: 'phone must be 3-32 digits, spaces, + ( ) . / -' })
  phone?: string;

  @ApiPropertyOptional({
    description:
      'The lead’s language as the client knows it (CRM field, the telephony platform’s call language), a BCP-47 tag. The opening is the campaign’s opening in that language, and lines said before the customer’s words tell their language (fallbacks, clarify) follow it; the customer’s own words decide from then on. A language the script library has no scripts in gives the campaign’s default opening (recorded as a warning in the audit).',
    example: 'en-US',
    maxLength: MAX_LANGUAGE_TAG_LENGTH,
  })
  // Only an absent one skips the checks: `@IsOptional` would let null through, and null names no language.
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @MaxLength(MAX_LANGUAGE_TAG_LENGTH)
  @IsLanguageTag()
  language?: string;
}

export class StartConversationDto {
  @ApiPropertyOptional({ description: 'Campaign id (default "default").', example: 'default' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'campaignId must be 1-64 letters, digits, _ or -' })
  campaignId?: string;

  @ApiPropertyOptional({
    description: 'Channel: sets the turn deadline (phone 1500 ms, rest 5000 ms by default).',
    enum: ['rest', 'phone'],
  })
  @IsOptional()
  @IsIn(['rest', 'phone'])
  channel?: 'rest' | 'phone';

  @ApiPropertyOptional({ description: 'Who is being talked to.', type: CustomerDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @ApiPropertyOptional({ description: 'Free-form JSON kept with the conversation (at most 4 KiB).' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}
