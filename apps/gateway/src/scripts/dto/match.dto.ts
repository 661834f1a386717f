import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { SCRIPT_LIMITS } from '@huashu/scripts';
import { LIBRARY_VERSION_SCHEMA } from './script-responses.dto.js';

/** `version`: a positive integer or "draft". */
const IsLibraryVersion = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isLibraryVersion',
      validator: {
        validate: (v: unknown) => v === 'draft' || (Number.isInteger(v) && (v as number) >= 1),
        defaultMessage: () => 'version must be a positive integer or "draft"',
      },
    },
    options,
  );

/**
 * An optional `version`: absent means the current published version. Only an absent one skips the
 * check (`@IsOptional` would let null through too, and null is not a version).
 */
const IsOptionalLibraryVersion = () =>
  applyDecorators(
    ValidateIf((_, v) => v !== undefined),
    IsLibraryVersion(),
  );

export class MatchDto {
  @ApiProperty({ description: 'Candidate answer to match', maxLength: SCRIPT_LIMITS.matchTextMaxChars })
  @IsString()
  @MinLength(1)
  @MaxLength(SCRIPT_LIMITS.matchTextMaxChars)
  text!: string;

  @ApiPropertyOptional({
    description: 'How many matches to return',
    type: 'integer',
    minimum: 1,
    maximum: SCRIPT_LIMITS.maxK,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(SCRIPT_LIMITS.maxK)
  k?: number;

  @ApiPropertyOptional({
    description: 'Published version number or "draft" (default: the current version)',
    ...LIBRARY_VERSION_SCHEMA,
  })
  @IsOptionalLibraryVersion()
  version?: number | 'draft';
}

export class RollbackDto {
  @ApiProperty({ description: 'Published version to make current again', type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  version!: number;
}

export class LabelledPairDto {
  @ApiProperty({ description: 'A text a model might produce' })
  @IsString()
  @MinLength(1)
  @MaxLength(SCRIPT_LIMITS.matchTextMaxChars)
  text!: string;

  @ApiProperty({
    description: 'Script id it should match, or null when no script should',
    nullable: true,
    type: String,
  })
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(100)
  expected!: string | null;
}

export class ThresholdSweepDto {
  @ApiProperty({ description: 'Labelled pairs', type: [LabelledPairDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCRIPT_LIMITS.sweepMaxPairs)
  @ValidateNested({ each: true })
  @Type(() => LabelledPairDto)
  pairs!: LabelledPairDto[];

  @ApiPropertyOptional({
    description: 'Precision the proposed threshold must reach (default 0.95)',
    minimum: 0.5,
    maximum: 1,
  })
  @IsOptional()
  @IsNumber()
  @Min(0.5)
  @Max(1)
  targetPrecision?: number;

  @ApiPropertyOptional({
    description: 'Published version number or "draft" (default: the current version)',
    ...LIBRARY_VERSION_SCHEMA,
  })
  @IsOptionalLibraryVersion()
  version?: number | 'draft';
}
