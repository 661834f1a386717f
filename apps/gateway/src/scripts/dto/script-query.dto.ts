import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CAMPAIGN_ID_PATTERN } from '@huashu/scripts';

const VERSION_PATTERN = /^(draft|[1-9][0-9]{0,8})$/;

/** `?campaign=<id>` of every campaign-scoped admin route (default `default`). */
export class CampaignQueryDto {
  @ApiPropertyOptional({ description: 'Campaign id (default "default")', example: 'default' })
  @IsOptional()
  @Matches(CAMPAIGN_ID_PATTERN, { message: 'campaign must be 1-64 letters, digits, _ or -' })
  campaign?: string;
}

/** Reads of the library: which version (default: the draft). */
export class VersionQueryDto extends CampaignQueryDto {
  @ApiPropertyOptional({ description: 'Library version number or "draft" (default "draft")', example: 'draft' })
  @IsOptional()
  @Matches(VERSION_PATTERN, { message: 'version must be "draft" or a positive integer' })
  version?: string;
}

export class ExportQueryDto extends VersionQueryDto {
  @ApiPropertyOptional({ description: 'json (an array) or jsonl (one script per line)', enum: ['json', 'jsonl'] })
  @IsOptional()
  @IsIn(['json', 'jsonl'])
  format?: 'json' | 'jsonl';
}

export class ImportQueryDto extends CampaignQueryDto {
  @ApiPropertyOptional({
    description: 'upsert keeps scripts missing from the import; replace deletes them',
    enum: ['upsert', 'replace'],
  })
  @IsOptional()
  @IsIn(['upsert', 'replace'])
  mode?: 'upsert' | 'replace';
}

export class SweepQueryDto extends CampaignQueryDto {
  @ApiPropertyOptional({ description: 'json (the curve) or html (a report with plots)', enum: ['json', 'html'] })
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
}

/** "draft" | number | undefined from a validated query string. */
export const parseVersion = (v: string | undefined): number | 'draft' | undefined =>
  v === undefined ? undefined : v === 'draft' ? 'draft' : Number(v);
