import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The version of a compliance document is its ETag (quoted), for If-Match on PUT and DELETE. */
export const COMPLIANCE_ETAG_HEADER = {
  ETag: { description: 'The document version, quoted; for If-Match on PUT and DELETE', schema: { type: 'string' } },
};

/** A campaign's lexicon or policy as the admin routes show it. */
export class ComplianceDocumentViewDto {
  @ApiProperty({ description: 'Campaign id' })
  campaign!: string;

  @ApiProperty({ description: 'Document version (grows with every change, a reset included)', type: 'integer' })
  version!: number;

  @ApiProperty({
    description: "default: the shipped document; campaign: the campaign's edited copy",
    enum: ['default', 'campaign'],
  })
  source!: 'default' | 'campaign';

  @ApiPropertyOptional({ description: 'Last change (ISO 8601), once the campaign changed it' })
  updatedAt?: string;

  @ApiPropertyOptional({ description: 'Key id of the last change' })
  updatedBy?: string;

  @ApiProperty({
    description:
      'The lexicon {version, categories:{name:{patterns?[], clauseEnd?[], wholeClause?[] (at least one), exceptions?[], subjects?[], pronouns?[], otherReferents?[], negatable?}}, negations[], doubleNegations?[]} or the policy ' +
      '{input:{category:block|redact|flag}, output:{…}}',
    type: 'object',
    additionalProperties: true,
  })
  document!: Record<string, unknown>;
}

export class CompliancePolicyViewDto extends ComplianceDocumentViewDto {
  @ApiProperty({
    description: "The policy applied: the default's categories with the campaign's over them",
    type: 'object',
    additionalProperties: true,
  })
  effective!: Record<string, unknown>;
}

export class ComplianceResetDto {
  @ApiProperty({ description: 'Campaign id' })
  campaign!: string;

  @ApiProperty({ description: 'Version after the reset (the default document is served from now on)', type: 'integer' })
  version!: number;
}

export class ComplianceAuditRecordDto {
  @ApiProperty({ description: 'Audit record id (Redis stream id)' })
  id!: string;

  @ApiProperty({ description: 'Which document changed', enum: ['lexicon', 'policy'] })
  kind!: 'lexicon' | 'policy';

  @ApiProperty({ description: 'Campaign id' })
  campaign!: string;

  @ApiProperty({ description: 'Version after the change', type: 'integer' })
  version!: number;

  @ApiProperty({ description: 'Version before the change', type: 'integer' })
  previousVersion!: number;

  @ApiProperty({ description: 'Key id of the change' })
  by!: string;

  @ApiProperty({ description: 'When (ISO 8601)' })
  at!: string;

  @ApiProperty({
    description: 'What changed: lexicon patterns added/removed per category, the policy {from, to}, or {reset: true}',
    type: 'object',
    additionalProperties: true,
  })
  change!: Record<string, unknown>;
}
