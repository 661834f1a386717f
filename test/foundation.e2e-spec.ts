import { Body, Controller, Module, Post } from '@nestjs/common';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import request from 'supertest';
import { ADMIN_KEY, bootGateway, bootHttpStack, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { expectError, expectErrorBody } from './support/errors.js';
import { bootedForSuite, gatewayForSuite } from './support/suite.js';

describe('gateway foundation (booted app, real Redis)', () => {
  const gw = gatewayForSuite('foundation');

  it('answers liveness and readiness with Redis up', async () => {
    await request(gw.url).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(gw.url).get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.info.redis.status).toBe('up');
  });

  it('puts a request id on every response, reusing a safe incoming one', async () => {
    const mine = await request(gw.url).get('/health/live').set('x-request-id', 'abc-123');
    expect(mine.headers['x-request-id']).toBe('abc-123');
    const hostile = await request(gw.url).get('/nope').set('x-request-id', '<script>');
    expect(hostile.headers['x-request-id']).toMatch(/^req_/);
    expect(hostile.body.error.requestId).toBe(hostile.headers['x-request-id']);
  });

  it('answers unknown routes with the binding 404 body', async () => {
    const res = await request(gw.url).get('/v1/does-not-exist').expect(404);
    expectErrorBody(res.body, 'NOT_FOUND');
  });

  it('exports Prometheus metrics by route pattern and status, plus process metrics', async () => {
    await request(gw.url).get('/health/live');
    const res = await request(gw.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/huashu_http_requests_total\{method="GET",route="\/health\/live",status="200"/);
    expect(res.text).toMatch(/huashu_http_request_duration_seconds_bucket/);
    expect(res.text).toMatch(/process_resident_memory_bytes/);
  });

  it('serves the OpenAPI document', async () => {
    const res = await request(gw.url).get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toContain('/health/ready');
    await request(gw.url).get('/docs').expect(200);
  });

  it('documents the campaign settings from the schema the endpoint validates with', async () => {
    const { body } = await request(gw.url).get('/docs-json').expect(200);
    const route = body.paths['/v1/admin/campaigns/{id}'];
    const patch = route.put.requestBody.content['application/json'].schema;
    const campaign = route.get.responses['200'].content['application/json'].schema;
    // A merge patch: nothing required, server-owned fields absent.
    expect(JSON.stringify(patch)).not.toContain('"required"');
    expect(patch.properties).not.toHaveProperty('version');
    expect(patch.properties.intentExamples.properties.byScript.additionalProperties.items).toMatchObject({
      type: 'string',
      maxLength: 300,
    });
    expect(patch.properties.matchThreshold).toMatchObject({ type: 'number', minimum: 0, maximum: 1, nullable: true });
    // null removes a member (RFC 7396), e.g. one script's examples, or puts it back to its default.
    expect(patch.properties.intentExamples.properties.byScript.additionalProperties.nullable).toBe(true);
    expect(patch.properties.name.nullable).toBe(true);
    expect(patch.properties.deadlines.properties.stages.properties.generate.nullable).toBe(true);
    const rule = patch.properties.routes.additionalProperties;
    expect(rule.nullable).toBe(true);
    expect(rule.properties.route.nullable).toBe(true);
    // Required without a default: null there is a 400, so not nullable.
    expect(rule.properties.byStage.properties.new.nullable).toBe(true);
    expect(rule.properties.byStage.properties.new.properties.route).not.toHaveProperty('nullable');
    expect(rule.properties.byStage.properties.new.properties.action).not.toHaveProperty('nullable');
    expect(patch.additionalProperties).toBe(false);
    // The document as GET and PUT return it.
    expect(campaign.required).toEqual(expect.arrayContaining(['id', 'intentExamples', 'routes', 'version']));
    expect(route.put.responses['200'].content['application/json'].schema).toEqual(campaign);
  });

  it('documents a success response for every operation, not only 401 and 403', async () => {
    const { body } = await request(gw.url).get('/docs-json').expect(200);
    const undocumented: string[] = [];
    for (const [path, operations] of Object.entries(body.paths as Record<string, Record<string, unknown>>)) {
      for (const [method, op] of Object.entries(operations as Record<string, { responses?: object }>)) {
        if (!Object.keys(op.responses ?? {}).some((status) => /^2\d\d$/.test(status))) {
          undocumented.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
    const scripts = body.paths['/v1/admin/scripts/{id}'];
    expect(scripts.get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ScriptDto',
    });
    expect(scripts.delete.responses).toHaveProperty('204');
    expect(body.paths['/v1/admin/scripts/publish'].post.responses).toHaveProperty('201');
    expect(body.paths['/v1/admin/scripts/export'].get.responses['200'].content).toHaveProperty('application/x-ndjson');
  });

  it('documents a library version as a positive integer or "draft"', async () => {
    const { body } = await request(gw.url).get('/docs-json').expect(200);
    const version = {
      oneOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', enum: ['draft'] },
      ],
    };
    const { schemas } = body.components;
    for (const schema of [
      schemas.MatchDto,
      schemas.ThresholdSweepDto,
      schemas.MatchResponseDto,
      schemas.ScriptListDto,
    ]) {
      expect(schema.properties.version).toMatchObject(version);
      expect(schema.properties.version).not.toHaveProperty('type');
    }
  });

  describe('admin authentication', () => {
    it('401 without a key, with a malformed header, with an unknown key', async () => {
      for (const auth of [undefined, 'Basic abc', 'Bearer', `Bearer ${ADMIN_KEY}x`]) {
        const req = request(gw.url).get('/v1/admin/whoami');
        const res = await (auth ? req.set('authorization', auth) : req).expect(401);
        expectErrorBody(res.body, 'UNAUTHORIZED');
      }
    });

    it('accepts each role and reports it without the key', async () => {
      for (const [key, role] of [
        [ADMIN_KEY, 'admin'],
        [EDITOR_KEY, 'editor'],
        [VIEWER_KEY, 'viewer'],
      ] as const) {
        const res = await request(gw.url).get('/v1/admin/whoami').set('authorization', `Bearer ${key}`).expect(200);
        expect(res.body.role).toBe(role);
        expect(JSON.stringify(res.body)).not.toContain(key);
      }
    });
  });
});

describe('admin API closed when no keys are configured', () => {
  it('answers 401 for every key', async () => {
    const gw = await bootGateway('closed', { ADMIN_API_KEYS: '' });
    try {
      const res = await request(gw.url).get('/v1/admin/whoami').set('authorization', `Bearer ${ADMIN_KEY}`).expect(401);
      expectErrorBody(res.body, 'UNAUTHORIZED');
    } finally {
      await gw.close();
    }
  });
});

class ProbeDto {
  @IsString()
  @MaxLength(10)
  name!: string;

  @IsInt()
  @Min(1)
  count!: number;
}

@Controller('probe')
class ProbeController {
  @Post()
  echo(@Body() body: ProbeDto): ProbeDto {
    return body;
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('request validation on the shared HTTP stack', () => {
  const probe = bootedForSuite(() => bootHttpStack('probe', [ProbeModule], { BODY_LIMIT_BYTES: '1024' }));

  it('accepts a valid body', async () => {
    await request(probe.url).post('/probe').send({ name: 'a', count: 2 }).expect(201, { name: 'a', count: 2 });
  });

  it.each<[string, number, string, string, string]>([
    ['malformed JSON', 400, 'MALFORMED_BODY', '{"name": "a",', 'application/json'],
    ['whitespace JSON body', 400, 'MALFORMED_BODY', ' ', 'application/json'],
    // An empty JSON body is no body: the DTO's own validation refuses it.
    ['empty JSON body', 400, 'VALIDATION_FAILED', '', 'application/json'],
    ['wrong content type', 415, 'UNSUPPORTED_MEDIA_TYPE', '<xml/>', 'application/xml'],
    ['form body on a JSON route', 415, 'UNSUPPORTED_MEDIA_TYPE', 'name=a&count=2', 'application/x-www-form-urlencoded'],
    ['text body on a JSON route', 415, 'UNSUPPORTED_MEDIA_TYPE', '{"name":"a","count":2}', 'text/plain'],
    [
      'oversized body',
      413,
      'PAYLOAD_TOO_LARGE',
      JSON.stringify({ name: 'x'.repeat(2000), count: 1 }),
      'application/json',
    ],
    [
      'unknown field',
      400,
      'VALIDATION_FAILED',
      JSON.stringify({ name: 'a', count: 1, admin: true }),
      'application/json',
    ],
    ['wrong types', 400, 'VALIDATION_FAILED', JSON.stringify({ name: 5, count: 'many' }), 'application/json'],
    ['array instead of object', 400, 'VALIDATION_FAILED', '[1,2,3]', 'application/json'],
    ['deep JSON', 400, 'VALIDATION_FAILED', '['.repeat(400) + ']'.repeat(400), 'application/json'],
  ])('%s → %i %s', async (_label, status, code, body, type) => {
    const res = await request(probe.url).post('/probe').set('content-type', type).send(body);
    expectError(res, status, code);
  });

  it('lists each failing field and rule in details', async () => {
    const res = await request(probe.url)
      .post('/probe')
      .send({ name: 'x'.repeat(20), count: 0 })
      .expect(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'name' }), expect.objectContaining({ field: 'count' })]),
    );
  });
});
