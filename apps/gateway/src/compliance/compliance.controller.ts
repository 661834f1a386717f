import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ComplianceService,
  DEFAULT_COMPLIANCE_CAMPAIGN,
  type AuditRecord,
  type ComplianceResult,
  type VersionedView,
} from '@huashu/compliance';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS } from '@huashu/ops';
import { AdminRoles, Principal, type AdminPrincipal } from '../auth/index.js';
import { ApiIfMatch } from '../admin/if-match.decorator.js';
import { ComplianceCheckDto, ComplianceResultDto } from './dto/compliance-check.dto.js';
import {
  COMPLIANCE_ETAG_HEADER,
  ComplianceAuditRecordDto,
  ComplianceDocumentViewDto,
  CompliancePolicyViewDto,
  ComplianceResetDto,
} from './dto/compliance-documents.dto.js';
import { AuditQueryDto, CampaignQueryDto } from './dto/compliance-query.dto.js';

// Error statuses of the compliance routes besides 401/403 (README "Errors" and "Compliance"). The
// documents and the audit live in Redis; the check alone never fails for storage (it screens with the
// cached or default lexicon and policy when Redis cannot be read).
const BAD_QUERY = { 400: 'VALIDATION_FAILED: a bad query parameter (campaign, limit)', ...STORAGE_ERRORS } as const;
const STALE = {
  412: 'PRECONDITION_FAILED: If-Match names an older version of the document (details: currentVersion)',
} as const;
const RESET_ERRORS = {
  400: 'VALIDATION_FAILED: a bad campaign, or an If-Match that is no ETag from GET',
  ...STALE,
  ...STORAGE_ERRORS,
} as const;
const PUT_ERRORS = {
  ...JSON_BODY_ERRORS,
  400: 'VALIDATION_FAILED: a bad campaign, a body that is no object or breaks the document’s schema, an unknown category, an If-Match that is no ETag from GET; MALFORMED_BODY: the body is not JSON',
  ...STALE,
  ...STORAGE_ERRORS,
} as const;

const campaignOf = (q: CampaignQueryDto): string => q.campaign ?? DEFAULT_COMPLIANCE_CAMPAIGN;
const etag = (reply: FastifyReply, view: { version: number }) => void reply.header('etag', `"${view.version}"`);

@ApiTags('admin: compliance')
@Controller('v1/admin/compliance')
export class ComplianceController {
  constructor(private readonly compliance: ComplianceService) {}

  @Post('check')
  @HttpCode(200)
  @AdminRoles('viewer')
  @ApiOperation({ summary: "Screen a text with the campaign's lexicon and policy (DESIGN §4)." })
  @ApiOkResponse({ type: ComplianceResultDto })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    400: 'VALIDATION_FAILED: no text, too long a text, a bad direction or campaign; MALFORMED_BODY: the body is not JSON',
  })
  check(@Body() body: ComplianceCheckDto, @Query() q: CampaignQueryDto): Promise<ComplianceResult> {
    return this.compliance.check(body.text, body.direction, campaignOf(q));
  }

  @Get('lexicons')
  @AdminRoles('admin')
  @ApiOperation({ summary: "The campaign's lexicon (its edited copy, else the shipped default); ETag for If-Match." })
  @ApiOkResponse({ type: ComplianceDocumentViewDto, headers: COMPLIANCE_ETAG_HEADER })
  @ApiErrorResponses(BAD_QUERY)
  async getLexicon(
    @Query() q: CampaignQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VersionedView<unknown>> {
    const view = await this.compliance.getLexicon(campaignOf(q));
    etag(reply, view);
    return view;
  }

  @Put('lexicons')
  @AdminRoles('admin')
  @ApiOperation({
    summary:
      "Replace the campaign's lexicon: {categories:{name:{patterns?[], clauseEnd?[], wholeClause?[] (at least one), exceptions?[], subjects?[], pronouns?[], otherReferents?[], negatable?}}, negations[], doubleNegations?[]}. Audited.",
  })
  @ApiIfMatch()
  @ApiBody({ description: 'Lexicon document (version is server-owned)', schema: { type: 'object' } })
  @ApiOkResponse({
    description: 'The lexicon stored',
    type: ComplianceDocumentViewDto,
    headers: COMPLIANCE_ETAG_HEADER,
  })
  @ApiErrorResponses(PUT_ERRORS)
  async putLexicon(
    @Query() q: CampaignQueryDto,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Principal() who: AdminPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VersionedView<unknown>> {
    const view = await this.compliance.putLexicon(campaignOf(q), body, who, ifMatch);
    etag(reply, view);
    return view;
  }

  @Delete('lexicons')
  @AdminRoles('admin')
  @ApiOperation({ summary: "Drop the campaign's lexicon copy (back to the default). Audited." })
  @ApiIfMatch()
  @ApiOkResponse({ type: ComplianceResetDto })
  @ApiErrorResponses(RESET_ERRORS)
  resetLexicon(
    @Query() q: CampaignQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Principal() who: AdminPrincipal,
  ): Promise<{ campaign: string; version: number }> {
    return this.compliance.reset('lexicon', campaignOf(q), who, ifMatch);
  }

  @Get('policy')
  @AdminRoles('admin')
  @ApiOperation({
    summary: "The campaign's stored policy and the effective one (default + campaign); ETag for If-Match.",
  })
  @ApiOkResponse({ type: CompliancePolicyViewDto, headers: COMPLIANCE_ETAG_HEADER })
  @ApiErrorResponses(BAD_QUERY)
  async getPolicy(
    @Query() q: CampaignQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VersionedView<unknown>> {
    const view = await this.compliance.getPolicy(campaignOf(q));
    etag(reply, view);
    return view;
  }

  @Put('policy')
  @AdminRoles('admin')
  @ApiOperation({
    summary: "Replace the campaign's policy: {input:{category:block|redact|flag}, output:{…}}. Audited.",
  })
  @ApiIfMatch()
  @ApiBody({ description: 'Policy overrides per direction', schema: { type: 'object' } })
  @ApiOkResponse({
    description: 'The policy stored and the effective one',
    type: CompliancePolicyViewDto,
    headers: COMPLIANCE_ETAG_HEADER,
  })
  @ApiErrorResponses(PUT_ERRORS)
  async putPolicy(
    @Query() q: CampaignQueryDto,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Principal() who: AdminPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VersionedView<unknown>> {
    const view = await this.compliance.putPolicy(campaignOf(q), body, who, ifMatch);
    etag(reply, view);
    return view;
  }

  @Delete('policy')
  @AdminRoles('admin')
  @ApiOperation({ summary: "Drop the campaign's policy (back to the default). Audited." })
  @ApiIfMatch()
  @ApiOkResponse({ type: ComplianceResetDto })
  @ApiErrorResponses(RESET_ERRORS)
  resetPolicy(
    @Query() q: CampaignQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Principal() who: AdminPrincipal,
  ): Promise<{ campaign: string; version: number }> {
    return this.compliance.reset('policy', campaignOf(q), who, ifMatch);
  }

  @Get('audit')
  @AdminRoles('admin')
  @ApiOperation({ summary: 'Audit records of lexicon and policy changes, newest first.' })
  @ApiOkResponse({ type: [ComplianceAuditRecordDto] })
  @ApiErrorResponses(BAD_QUERY)
  audit(@Query() q: AuditQueryDto): Promise<AuditRecord[]> {
    return this.compliance.audit(campaignOf(q), q.limit ?? 50);
  }
}
