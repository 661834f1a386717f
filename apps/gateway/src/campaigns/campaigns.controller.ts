import { Body, Controller, Get, Headers, Param, Put, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  type ApiResponseSchemaHost,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { campaignOpenApiSchemas, CampaignService, type Campaign } from '@huashu/campaigns';
import { HuashuException } from '@huashu/common';
import { ApiErrorResponses, JSON_BODY_ERRORS, STORAGE_ERRORS, type BodyRouteConfig } from '@huashu/ops';
import { ScriptLibraryService } from '@huashu/scripts';
import { AdminRoles, Principal, type AdminPrincipal } from '../auth/index.js';
import { ApiIfMatch } from '../admin/if-match.decorator.js';

const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const checkId = (id: string): string => {
  if (!CAMPAIGN_ID.test(id)) {
    throw new HuashuException('VALIDATION_FAILED', 'campaign id must be 1-64 letters, digits, _ or -', [
      { field: 'id' },
    ]);
  }
  return id;
};

/** The documented shapes: from the zod schema the service validates with. */
type Schema = ApiResponseSchemaHost['schema'];
const SCHEMAS = campaignOpenApiSchemas() as { campaign: Schema; patch: Schema };

/** Body limit of PUT /v1/admin/campaigns/{id}. */
export const CAMPAIGN_BODY_LIMIT = 1024 * 1024;

@ApiTags('admin: campaigns')
@ApiErrorResponses(STORAGE_ERRORS)
@Controller('v1/admin/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignService,
    private readonly library: ScriptLibraryService,
  ) {}

  /** The campaign's draft script ids: the scripts its settings may name. */
  private readonly knownScripts = async (campaignId: string): Promise<ReadonlySet<string>> =>
    new Set(await this.library.draftIds(campaignId));

  @Get(':id')
  @AdminRoles('viewer')
  @ApiOperation({ summary: 'Campaign settings with defaults filled; ETag header for If-Match.' })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiOkResponse({ description: 'The campaign, defaults filled', schema: SCHEMAS.campaign })
  @ApiErrorResponses({
    400: 'VALIDATION_FAILED: not a campaign id',
    404: 'NOT_FOUND: the campaign does not exist',
  })
  async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Campaign> {
    checkId(id);
    if (!(await this.campaigns.exists(id))) throw new HuashuException('NOT_FOUND', `campaign ${id} does not exist`);
    const { campaign, etag } = await this.campaigns.getWithEtag(id);
    void reply.header('etag', etag);
    return campaign;
  }

  @Put(':id')
  // Room for the largest valid document: 1,000 intent examples of up to 300 characters (3 bytes
  // each in UTF-8 for CJK) besides the rest of the settings; other admin routes keep 64 KiB.
  @RouteConfig({ bodyLimit: CAMPAIGN_BODY_LIMIT } satisfies BodyRouteConfig)
  @AdminRoles('admin')
  @ApiOperation({
    summary:
      'Change campaign settings (JSON Merge Patch onto the current settings; creates the campaign with the defaults ' +
      'when it does not exist). `If-Match: *` only changes one that exists (412 otherwise: a typo in the URL creates ' +
      'nothing); `If-None-Match: *` only creates (412 when it exists). ' +
      'Unknown intents, routes or out-of-range sampling parameters are rejected, and so is a setting the body sets ' +
      'that names no script of the campaign’s draft library, once it has scripts (openingScriptId, goodbyeScriptId, ' +
      'defaultFallbackScriptId, followOns keys and values, questions keys, intentExamples.byScript keys).',
  })
  @ApiParam({ name: 'id', description: 'Campaign id' })
  @ApiIfMatch()
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: '`*` only: create the campaign (defaults + the body); 412 when it exists',
  })
  @ApiBody({ description: 'Partial or whole campaign settings (JSON Merge Patch)', schema: SCHEMAS.patch })
  @ApiOkResponse({ description: 'The campaign after the change', schema: SCHEMAS.campaign })
  @ApiErrorResponses({
    ...JSON_BODY_ERRORS,
    400: 'VALIDATION_FAILED: not a campaign id, an If-None-Match other than *, a body that is no object, a server-owned field, an unknown intent or route, an out-of-range value, a setting naming a script missing from the campaign’s draft library (details: field, scriptId) or a bad answer name or intent (one details entry per field); MALFORMED_BODY: the body is not JSON',
    409: 'CONFLICT: the campaign changed concurrently on every attempt; retry',
    412: 'PRECONDITION_FAILED: If-Match names an older version of the campaign or is * for one that does not exist (details: currentEtag or campaignId), or If-None-Match: * and the campaign exists (details: currentEtag)',
    413: `PAYLOAD_TOO_LARGE: the body is larger than ${CAMPAIGN_BODY_LIMIT} bytes`,
  })
  async put(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Principal() principal: AdminPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Campaign> {
    checkId(id);
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
      throw new HuashuException('VALIDATION_FAILED', 'If-None-Match takes only * (create the campaign)', [
        { header: 'if-none-match' },
      ]);
    }
    const { campaign, etag } = await this.campaigns.update(id, body, principal, ifMatch, {
      knownScripts: this.knownScripts,
      // A PUT creates a campaign that does not exist (RFC 9110 §9.3.4); If-None-Match: * only creates,
      // If-Match: * only changes (a typo in the URL then creates nothing).
      absent: ifNoneMatch === undefined ? 'create' : 'onlyCreate',
    });
    void reply.header('etag', etag);
    return campaign;
  }
}
