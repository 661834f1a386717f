import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';

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
