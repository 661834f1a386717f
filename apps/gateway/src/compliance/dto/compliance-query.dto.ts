import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** A campaign id in a query parameter (the campaign schema's id rule). */
export const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class CampaignQueryDto {
  @ApiPropertyOptional({ description: 'Campaign id (default `default`)', example: 'default' })
  @IsOptional()
  @Matches(CAMPAIGN_ID, { message: 'campaign must be 1-64 letters, digits, _ or -' })
  campaign?: string;
}

export class AuditQueryDto extends CampaignQueryDto {
  @ApiPropertyOptional({ description: 'Newest records to return (1-500, default 50)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
