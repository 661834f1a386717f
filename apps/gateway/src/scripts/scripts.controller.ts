import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DEFAULT_CAMPAIGN_ID } from '@huashu/campaigns';
import { HuashuException } from '@huashu/common';
import { ApiErrorResponses, JSON_BODY_ERRORS, MEDIA_TYPES, STORAGE_ERRORS, type BodyRouteConfig } from '@huashu/ops';
import {
  parseRows,
  renderSweepHtml,
  SCRIPT_ID_PATTERN,
  SCRIPT_LIMITS,
  LibraryPublisher,
  ScriptLibraryService,
  ScriptMatcherService,
  ThresholdSweepService,
  type ImportResult,
  type PublishWarning,
  type Script,
  type ScriptAuditEntry,
  type SweepResult,
  type VersionMeta,
} from '@huashu/scripts';
import { AdminRoles, Principal, type AdminPrincipal } from '../auth/index.js';
import { ApiIfMatch } from '../admin/if-match.decorator.js';
import { CreateScriptDto, ReplaceScriptDto } from './dto/script.dto.js';
import { MatchDto, RollbackDto, ThresholdSweepDto } from './dto/match.dto.js';
import {
  ImportResultDto,
  MatchResponseDto,
  PublishResultDto,
  RollbackResultDto,
  SCRIPT_ETAG_HEADER,
  ScriptAuditDto,
  ScriptDto,
  ScriptListDto,
  SweepResultDto,
  VersionsDto,
} from './dto/script-responses.dto.js';
import {
  CampaignQueryDto,
  ExportQueryDto,
  ImportQueryDto,
  parseVersion,
  SweepQueryDto,
  VersionQueryDto,
} from './dto/script-query.dto.js';

// Error statuses of the script routes besides 401/403 (README "Errors" and "Script library").
const BAD_QUERY = { 400: 'VALIDATION_FAILED: a bad query parameter (campaign, version, format) or script id' } as const;
const BAD_BODY = {
  ...JSON_BODY_ERRORS,
  400: 'VALIDATION_FAILED: a bad field, query parameter or script id (one details entry per field); MALFORMED_BODY: the body is not JSON',
} as const;
/** Reads of a campaign that does not exist answer 404, as GET /v1/admin/campaigns/{id} does. */
const NO_CAMPAIGN = { 404: 'NOT_FOUND: the campaign does not exist' } as const;
const NO_VERSION = { 404: 'NOT_FOUND: the campaign does not exist, or no such published version' } as const;
const NO_SCRIPT = { 404: 'NOT_FOUND: no such script in the draft (or in the version asked for)' } as const;
const NO_CAMPAIGN_OR_SCRIPT = {
  404: 'NOT_FOUND: the campaign does not exist, or no such script in the draft (or in the version asked for)',
} as const;
const EDIT = {
  409: 'CONFLICT: the script changed concurrently on every attempt; retry',
  412: 'PRECONDITION_FAILED: If-Match names an older revision of the script (details: currentEtag)',
} as const;
const NO_LIBRARY = {
  404: 'NOT_FOUND: the campaign does not exist, has no published library, no such version, or no fallback script',
} as const;

/** Routes that embed texts (the query, the pairs, the library being published) besides storage. */
const EMBEDS = {
  503: 'SERVICE_UNAVAILABLE: storage (Redis) or the embeddings server (EMBEDDER_PROVIDER=openai) is unavailable; retry',
} as const;

const campaignOf = (q: CampaignQueryDto): string => q.campaign ?? DEFAULT_CAMPAIGN_ID;

const checkId = (id: string): string => {
  if (!SCRIPT_ID_PATTERN.test(id))
    throw new HuashuException('VALIDATION_FAILED', 'invalid script id', [{ field: 'id' }]);
  return id;
};

export interface MatchResponse {
  matches: { scriptId: string; text: string; similarity: number }[];
  threshold: number;
  fallback: boolean;
  fallbackScriptId?: string;
  /** Library version searched, or "draft" as the list and export routes name it. */
  version: number | 'draft';
}

@ApiTags('admin: scripts')
// Referenced by the export and sweep responses, which name a schema per content type.
@ApiExtraModels(ScriptDto, SweepResultDto)
// Every route reads or writes the library in Redis (match and sweep when the index is not in memory).
@ApiErrorResponses(STORAGE_ERRORS)
@Controller('v1/admin/scripts')
export class ScriptsController {
  constructor(
    private readonly library: ScriptLibraryService,
    private readonly publisher: LibraryPublisher,
    private readonly matcher: ScriptMatcherService,
    private readonly sweeps: ThresholdSweepService,
  ) {}

  /** The campaign of a read: 404 when it does not exist (a typo in ?campaign= is no empty library). */
  private readonly existing = (q: CampaignQueryDto): Promise<string> => this.library.requireCampaign(campaignOf(q));

  @Get()
  @AdminRoles('viewer')
  @ApiOperation({ summary: 'List the scripts of the draft (default) or of a published version.' })
  @ApiOkResponse({ type: ScriptListDto })
  @ApiErrorResponses({ ...BAD_QUERY, ...NO_VERSION })
  async list(@Query() q: VersionQueryDto): Promise<{ version: number | 'draft'; scripts: Script[] }> {
    const version = parseVersion(q.version);
    return this.library.list(await this.existing(q), version);
  }

  @Post()
  @AdminRoles('editor')
  @ApiOperation({ summary: 'Create a script in the draft (409 when the id exists). ETag header.' })
  @ApiCreatedResponse({ description: 'The script created', type: ScriptDto, headers: SCRIPT_ETAG_HEADER })
  @ApiErrorResponses({ ...BAD_BODY, 409: 'CONFLICT: a script with this id exists; use PUT to change it' })
  async create(
    @Query() q: CampaignQueryDto,
    @Body() body: CreateScriptDto,
    @Principal() who: AdminPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Script> {
    const { script, etag } = await this.library.create(campaignOf(q), { ...body }, who);
    void reply.status(201).header('etag', etag);
    return script;
  }

  @Get('export')
  @AdminRoles('viewer')
  @ApiOperation({ summary: 'Export the draft or a version as a JSON array or JSON Lines.' })
  @ApiOkResponse({
    description: 'The scripts: a JSON array, or with format=jsonl one script (JSON) per line',
    content: {
      'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(ScriptDto) } } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  })
  @ApiErrorResponses({ ...BAD_QUERY, ...NO_VERSION })
  async export(
    @Query() q: ExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Script[] | string> {
    const version = parseVersion(q.version);
    const { scripts } = await this.library.list(await this.existing(q), version);
    if (q.format === 'jsonl') {
      void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      return scripts.map((s) => JSON.stringify(s)).join('\n') + (scripts.length ? '\n' : '');
    }
    return scripts;
  }

  @Post('import')
  @AdminRoles('editor')
  @HttpCode(200)
  // Route-level body limit: imports may be large, every other route keeps BODY_LIMIT_BYTES.
  // A JSON array, or JSON Lines under any of the names clients send it with; other routes take JSON only.
  @RouteConfig({
    bodyLimit: SCRIPT_LIMITS.importMaxBytes,
    bodyTypes: [MEDIA_TYPES.json, ...MEDIA_TYPES.jsonLines],
  } satisfies BodyRouteConfig)
  @ApiConsumes(MEDIA_TYPES.json, ...MEDIA_TYPES.jsonLines)
  @ApiBody({
    description: 'A JSON array of scripts, or JSON Lines (one script per line)',
    schema: { type: 'array', items: { type: 'object' } },
  })
  @ApiOperation({
    summary:
      'Import scripts into the draft (mode upsert|replace). One bad row rejects the whole import with its row number; nothing is written.',
  })
  @ApiOkResponse({ description: 'What the import changed', type: ImportResultDto })
  @ApiErrorResponses({
    400: 'VALIDATION_FAILED: a bad row (its number in details; nothing imported), a repeated id, a body that is no array, a bad mode or campaign; MALFORMED_BODY: the body or a line is not JSON',
    409: 'CONFLICT: mode replace would delete a script a campaign setting names (details: field, scriptId), or the draft changed concurrently on every attempt; retry',
    413: `PAYLOAD_TOO_LARGE: more than ${SCRIPT_LIMITS.importMaxRows} rows or ${SCRIPT_LIMITS.importMaxBytes} bytes, or a draft of more than ${SCRIPT_LIMITS.maxScripts} scripts`,
    415: 'UNSUPPORTED_MEDIA_TYPE: the body is neither JSON nor JSON Lines',
  })
  async import(
    @Query() q: ImportQueryDto,
    @Body() body: unknown,
    @Principal() who: AdminPrincipal,
  ): Promise<ImportResult> {
    let rows: unknown[];
    if (Array.isArray(body)) rows = body;
    else if (typeof body === 'string') {
      try {
        rows = parseRows(body);
      } catch (err) {
        throw new HuashuException('MALFORMED_BODY', `import body: ${(err as Error).message}`);
      }
    } else {
      throw new HuashuException('VALIDATION_FAILED', 'import body must be a JSON array or JSON Lines');
    }
    return this.library.import(campaignOf(q), rows, q.mode ?? 'upsert', who);
  }

  @Post('publish')
  @AdminRoles('admin')
  @ApiOperation({
    summary:
      'Publish the draft as a new immutable version; every gateway swaps to it. `warnings` lists campaign settings ' +
      'naming a script the version lacks or has disabled, and placeholders no slot fills.',
  })
  @ApiCreatedResponse({ description: 'The version published, now current', type: PublishResultDto })
  @ApiErrorResponses({
    ...BAD_QUERY,
    ...EMBEDS,
    422: 'UNPROCESSABLE: the draft is empty, or has no catch-all fallback script',
  })
  publish(
    @Query() q: CampaignQueryDto,
    @Principal() who: AdminPrincipal,
  ): Promise<VersionMeta & { previous: number; warnings: PublishWarning[] }> {
    return this.publisher.publish(campaignOf(q), who);
  }

  @Post('rollback')
  @AdminRoles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make an earlier published version current again (422 if it no longer has a catch-all fallback).',
  })
  @ApiOkResponse({ type: RollbackResultDto })
  @ApiErrorResponses({
    ...BAD_BODY,
    ...NO_VERSION,
    422: 'UNPROCESSABLE: the version has no catch-all fallback script (any more)',
  })
  rollback(
    @Query() q: CampaignQueryDto,
    @Body() body: RollbackDto,
    @Principal() who: AdminPrincipal,
  ): Promise<{ version: number; previous: number }> {
    return this.publisher.rollback(campaignOf(q), body.version, who);
  }

  @Get('versions')
  @AdminRoles('viewer')
  @ApiOperation({ summary: 'Published versions and the current one.' })
  @ApiOkResponse({ type: VersionsDto })
  @ApiErrorResponses({ ...BAD_QUERY, ...NO_CAMPAIGN })
  async versions(@Query() q: CampaignQueryDto): Promise<{ current?: number; versions: VersionMeta[] }> {
    return this.library.versions(await this.existing(q));
  }

  @Get('audit')
  @AdminRoles('viewer')
  @ApiOperation({ summary: 'Latest changes to the library (who, when, before/after), newest first.' })
  @ApiOkResponse({ type: ScriptAuditDto })
  @ApiErrorResponses({ ...BAD_QUERY, ...NO_CAMPAIGN })
  async audit(@Query() q: CampaignQueryDto): Promise<{ entries: ScriptAuditEntry[] }> {
    return { entries: await this.library.audit(await this.existing(q), 100) };
  }

  @Post('match')
  @AdminRoles('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Match a text against the library: top-k, threshold, fallback.' })
  @ApiOkResponse({ type: MatchResponseDto })
  @ApiErrorResponses({ ...BAD_BODY, ...NO_LIBRARY, ...EMBEDS })
  async match(@Query() q: CampaignQueryDto, @Body() body: MatchDto): Promise<MatchResponse> {
    const out = await this.matcher.match({
      campaignId: await this.existing(q),
      text: body.text,
      k: body.k,
      version: body.version,
    });
    return {
      matches: out.matches,
      threshold: out.threshold,
      fallback: out.fallback,
      ...(out.fallbackScriptId !== undefined ? { fallbackScriptId: out.fallbackScriptId } : {}),
      // The matcher numbers the draft 0 (never a published version); the API names it "draft".
      version: out.libraryVersion === 0 ? 'draft' : out.libraryVersion,
    };
  }

  @Post('threshold-sweep')
  @AdminRoles('editor')
  @HttpCode(200)
  @RouteConfig({ bodyLimit: 2 * 1024 * 1024 } satisfies BodyRouteConfig)
  @ApiOperation({
    summary:
      'Sweep the match threshold over labelled pairs and propose one for a target precision (JSON or HTML report).',
  })
  @ApiOkResponse({
    description: 'The curve and the proposed threshold, or with format=html a report with plots',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(SweepResultDto) } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @ApiErrorResponses({ ...BAD_BODY, ...NO_LIBRARY, ...EMBEDS, 413: 'PAYLOAD_TOO_LARGE: the body is larger than 2 MiB' })
  async sweep(
    @Query() q: SweepQueryDto,
    @Body() body: ThresholdSweepDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SweepResult | string> {
    const c = await this.existing(q);
    const result = await this.sweeps.run(c, body.pairs, body.targetPrecision ?? 0.95, body.version);
    if (q.format === 'html') {
      void reply.header('content-type', 'text/html; charset=utf-8');
      return renderSweepHtml(result, `Match threshold sweep — campaign ${c}`);
    }
    return result;
  }

  @Get(':id')
  @AdminRoles('viewer')
  @ApiOperation({ summary: 'One script of the draft (default) or a version; ETag header for If-Match.' })
  @ApiOkResponse({ type: ScriptDto, headers: SCRIPT_ETAG_HEADER })
  @ApiErrorResponses({ ...BAD_QUERY, ...NO_CAMPAIGN_OR_SCRIPT })
  async get(
    @Param('id') id: string,
    @Query() q: VersionQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Script> {
    const scriptId = checkId(id);
    const version = parseVersion(q.version);
    const { script, etag } = await this.library.get(await this.existing(q), scriptId, version);
    void reply.header('etag', etag);
    return script;
  }

  @Put(':id')
  @AdminRoles('editor')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Replace a script of the draft.' })
  @ApiOkResponse({ description: 'The script after the change', type: ScriptDto, headers: SCRIPT_ETAG_HEADER })
  @ApiErrorResponses({ ...BAD_BODY, ...NO_SCRIPT, ...EDIT })
  async replace(
    @Param('id') id: string,
    @Query() q: CampaignQueryDto,
    @Body() body: ReplaceScriptDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Principal() who: AdminPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Script> {
    const { script, etag } = await this.library.replace(campaignOf(q), checkId(id), { ...body }, who, ifMatch);
    void reply.header('etag', etag);
    return script;
  }

  @Delete(':id')
  @AdminRoles('editor')
  @HttpCode(204)
  @ApiIfMatch()
  @ApiOperation({
    summary: 'Delete a script from the draft (409 while a campaign setting names it: change the setting first).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses({
    ...BAD_QUERY,
    ...NO_SCRIPT,
    ...EDIT,
    409: 'CONFLICT: a campaign setting names the script (details: field, scriptId per setting), or the script changed concurrently on every attempt; retry',
  })
  async remove(
    @Param('id') id: string,
    @Query() q: CampaignQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Principal() who: AdminPrincipal,
  ): Promise<void> {
    await this.library.remove(campaignOf(q), checkId(id), who, ifMatch);
  }
}
