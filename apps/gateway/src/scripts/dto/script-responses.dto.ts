import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INTENT_NAMES, type IntentName } from '@huashu/intent';
import { PUBLISH_WARNING_CODES, SCRIPT_STAGES, type PublishWarningCode, type ScriptStage } from '@huashu/scripts';

/** A library version in the API: a published version number, or the draft. */
export const LIBRARY_VERSION_SCHEMA = {
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', enum: ['draft'] },
  ],
};

/** The ETag header of a script, for If-Match on PUT and DELETE. */
export const SCRIPT_ETAG_HEADER = {
  ETag: { description: 'Revision of the script, for If-Match on PUT and DELETE', schema: { type: 'string' } },
};

/** A script as stored (DESIGN §4). */
export class ScriptDto {
  @ApiProperty({ description: 'Script id, unique in the campaign', example: 'price-basic' })
  id!: string;
  @ApiProperty({ description: 'Campaign the script belongs to' })
  campaignId!: string;
  @ApiProperty({ description: 'What the customer hears; `{slot}` placeholders allowed' })
  text!: string;
  @ApiPropertyOptional({ description: 'Intent this script answers', enum: INTENT_NAMES })
  intent?: IntentName;
  @ApiPropertyOptional({ description: 'Lead stage this script is for', enum: SCRIPT_STAGES })
  stage?: ScriptStage;
  @ApiProperty({ description: 'Free tags', type: [String] })
  tags!: string[];
  @ApiProperty({ description: 'A fallback script (answered when nothing matches)' })
  fallback!: boolean;
  @ApiPropertyOptional({ description: 'Own match threshold (else the campaign’s)', minimum: 0, maximum: 1 })
  threshold?: number;
  @ApiProperty({ description: 'Disabled scripts are never matched' })
  enabled!: boolean;
  @ApiProperty({ description: 'Revision of this script in the draft', type: 'integer' })
  version!: number;
  @ApiProperty({ description: 'Last change (ISO 8601)' })
  updatedAt!: string;
  @ApiProperty({ description: 'Key id of the last change' })
  updatedBy!: string;
}

export class ScriptListDto {
  @ApiProperty({ description: 'The version listed: a published version number, or "draft"', ...LIBRARY_VERSION_SCHEMA })
  version!: number | 'draft';
  @ApiProperty({ description: 'Its scripts', type: [ScriptDto] })
  scripts!: ScriptDto[];
}

export class ImportResultDto {
  @ApiProperty({ description: 'Import mode applied', enum: ['upsert', 'replace'] })
  mode!: 'upsert' | 'replace';
  @ApiProperty({ description: 'Scripts created', type: 'integer' })
  created!: number;
  @ApiProperty({ description: 'Scripts changed', type: 'integer' })
  updated!: number;
  @ApiProperty({ description: 'Scripts imported with the content they had', type: 'integer' })
  unchanged!: number;
  @ApiProperty({ description: 'Scripts deleted (mode replace)', type: 'integer' })
  deleted!: number;
  @ApiProperty({ description: 'Scripts in the draft after the import', type: 'integer' })
  total!: number;
}

export class VersionMetaDto {
  @ApiProperty({ description: 'Published version number', type: 'integer', minimum: 1 })
  version!: number;
  @ApiProperty({ description: 'When it was published (ISO 8601)' })
  publishedAt!: string;
  @ApiProperty({ description: 'Key id that published it' })
  publishedBy!: string;
  @ApiProperty({ description: 'Scripts in the version', type: 'integer' })
  count!: number;
  @ApiProperty({ description: 'Draft revision it was published from', type: 'integer' })
  draftRev!: number;
}

export class PublishWarningDto {
  @ApiProperty({
    description:
      'SCRIPT_MISSING / SCRIPT_DISABLED: a campaign setting names a script this version lacks or has disabled; ' +
      'UNKNOWN_SLOT: enabled scripts use a placeholder that neither a built-in slot nor a campaign slot fills; ' +
      'TRANSFER_TARGET_MISSING: routes or the fallback escalation transfer, but the campaign sets no transferTarget; ' +
      'ROLLED_BACK_DRAFT: the draft published is unchanged since a version a rollback took out of service',
    enum: Object.values(PUBLISH_WARNING_CODES),
  })
  code!: PublishWarningCode;
  @ApiProperty({ description: 'What is wrong, in words' })
  message!: string;
  @ApiPropertyOptional({
    description: 'The campaign setting naming the script (goodbyeScriptId, followOns.<id> …), or transferTarget',
  })
  field?: string;
  @ApiPropertyOptional({ description: 'The script the setting names' })
  scriptId?: string;
  @ApiPropertyOptional({ description: 'The placeholder nothing fills (UNKNOWN_SLOT)' })
  slot?: string;
  @ApiPropertyOptional({ description: 'Scripts using the placeholder (the first 20; UNKNOWN_SLOT)', type: [String] })
  scriptIds?: string[];
  @ApiPropertyOptional({ description: 'How many scripts use the placeholder (UNKNOWN_SLOT)', type: 'integer' })
  count?: number;
  @ApiPropertyOptional({
    description: 'What transfers: intents of the route table, fallbackEscalation (TRANSFER_TARGET_MISSING)',
    type: [String],
  })
  transfers?: string[];
  @ApiPropertyOptional({
    description: 'The version rolled back from whose unchanged draft this publish repeats (ROLLED_BACK_DRAFT)',
    type: 'integer',
  })
  version?: number;
}

export class PublishResultDto extends VersionMetaDto {
  @ApiProperty({ description: 'The version current before (0: none)', type: 'integer' })
  previous!: number;
  @ApiProperty({
    description:
      'What the version goes live with that a call would notice (the publish still succeeded); empty when none',
    type: [PublishWarningDto],
  })
  warnings!: PublishWarningDto[];
}

export class RollbackResultDto {
  @ApiProperty({ description: 'The version now current', type: 'integer' })
  version!: number;
  @ApiProperty({ description: 'The version current before', type: 'integer' })
  previous!: number;
}

export class VersionsDto {
  @ApiPropertyOptional({ description: 'The current version (absent: nothing published)', type: 'integer' })
  current?: number;
  @ApiProperty({ description: 'Published versions', type: [VersionMetaDto] })
  versions!: VersionMetaDto[];
}

/** A script (create, update, delete), an import's summary, or a version number (publish, rollback). */
const AUDIT_STATE_SCHEMA = {
  nullable: true,
  oneOf: [{ type: 'object', additionalProperties: true }, { type: 'integer' }],
};

export class ScriptAuditEntryDto {
  @ApiProperty({ description: 'Audit entry id (Redis stream id)' })
  id!: string;
  @ApiProperty({ description: 'Key id of the change' })
  who!: string;
  @ApiProperty({ description: 'When (ISO 8601)' })
  when!: string;
  @ApiProperty({ description: 'create, update, delete, import:upsert, import:replace, publish or rollback' })
  action!: string;
  @ApiPropertyOptional({ description: 'The script changed, if one' })
  scriptId?: string;
  @ApiProperty({ description: 'Before the change (null: none)', ...AUDIT_STATE_SCHEMA })
  before!: unknown;
  @ApiProperty({ description: 'After the change (null: none)', ...AUDIT_STATE_SCHEMA })
  after!: unknown;
}

export class ScriptAuditDto {
  @ApiProperty({ description: 'Latest 100 changes, newest first', type: [ScriptAuditEntryDto] })
  entries!: ScriptAuditEntryDto[];
}

export class ScriptMatchDto {
  @ApiProperty({ description: 'Script id' })
  scriptId!: string;
  @ApiProperty({ description: 'Script text (placeholders unfilled)' })
  text!: string;
  @ApiProperty({ description: 'Cosine similarity to the text matched' })
  similarity!: number;
}

export class MatchResponseDto {
  @ApiProperty({ description: 'Top-k matches, best first (fallback scripts excluded)', type: [ScriptMatchDto] })
  matches!: ScriptMatchDto[];
  @ApiProperty({ description: 'Threshold applied to the best match (its own, else the campaign’s)' })
  threshold!: number;
  @ApiProperty({ description: 'True when the best match is below its threshold' })
  fallback!: boolean;
  @ApiPropertyOptional({ description: 'The fallback script chosen (intent → stage → campaign default)' })
  fallbackScriptId?: string;
  @ApiProperty({ description: 'Library version searched: a version number, or "draft"', ...LIBRARY_VERSION_SCHEMA })
  version!: number | 'draft';
}

export class SweepPointDto {
  @ApiProperty({ description: 'Threshold of this point' })
  threshold!: number;
  @ApiProperty({ description: 'Accepted matches that are the expected script / all accepted (1 when none)' })
  precision!: number;
  @ApiProperty({ description: 'Accepted correct matches / pairs that expect a script' })
  recall!: number;
  @ApiProperty({ description: 'Pairs answered with a fallback / all pairs' })
  fallbackRate!: number;
  @ApiProperty({ description: 'Accepted matches', type: 'integer' })
  accepted!: number;
  @ApiProperty({ description: 'Accepted matches that are the expected script', type: 'integer' })
  correct!: number;
}

export class SweepResultDto {
  @ApiProperty({ description: 'Precision the proposed threshold had to reach' })
  targetPrecision!: number;
  @ApiProperty({
    description: 'Smallest threshold from which precision stays at or above the target (null: none does)',
    type: Number,
    nullable: true,
  })
  proposedThreshold!: number | null;
  @ApiPropertyOptional({ description: 'The curve point at the proposed threshold', type: SweepPointDto })
  atProposed?: SweepPointDto;
  @ApiProperty({ description: 'Labelled pairs', type: 'integer' })
  pairs!: number;
  @ApiProperty({ description: 'Pairs that expect a script', type: 'integer' })
  positives!: number;
  @ApiProperty({ description: 'The curve, threshold 0 to 1 by 0.01', type: [SweepPointDto] })
  points!: SweepPointDto[];
}
