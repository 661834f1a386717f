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
  check(@Body() body: ComplianceCheckDto, @Query() q: CampaignQueryDto): Promise<ComplianceResult> {
    return this.compliance.check(body.text, body.direction, campaignOf(q));
  }

  @Get('lexicons')
  @AdminRoles('admin')
  @ApiOperation({ summary: "The campaign's lexicon (its edited copy, else the shipped default); ETag for If-Match." })
  @ApiOkResponse({ type: ComplianceDocumentViewDto, headers: COMPLIANCE_ETAG_HEADER })
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
      "Replace the campaign's lexicon: {categories:{name:{patterns[], clauseEnd?[], exceptions?[], subjects?[], negatable?}}, negations[], doubleNegations?[]}. Audited.",
  })
  @ApiIfMatch()
  @ApiBody({ description: 'Lexicon document (version is server-owned)', schema: { type: 'object' } })
  @ApiOkResponse({
    description: 'The lexicon stored',
    type: ComplianceDocumentViewDto,
    headers: COMPLIANCE_ETAG_HEADER,
  })
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
  audit(@Query() q: AuditQueryDto): Promise<AuditRecord[]> {
    return this.compliance.audit(campaignOf(q), q.limit ?? 50);
  }
}
