import { connect } from 'node:net';
import request from 'supertest';
import { ADMIN_KEY, bootGateway, VIEWER_KEY } from './support/boot.js';
import { LogCapture } from './support/log-capture.js';

// Each app has its own root logger (OpsModule): the capturing gateway sees only its own lines.
describe('structured logs', () => {
  it('carry the request id and never an API key or the Authorization header', async () => {
    const logs = new LogCapture();
    const gw = await bootGateway('logs', { LOG_LEVEL: 'info' }, { logStream: logs });
    try {
      const res = await request(gw.url)
        .get('/v1/admin/whoami')
        .set('authorization', `Bearer ${VIEWER_KEY}`)
        .set('x-request-id', 'log-test-1')
        .expect(200);
      expect(res.headers['x-request-id']).toBe('log-test-1');
      await request(gw.url).get('/v1/admin/whoami').set('authorization', `Bearer ${ADMIN_KEY}-wrong`).expect(401);
      await new Promise((r) => setTimeout(r, 50));
      const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThan(0);
      const requestLine = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-test-1');
      expect(requestLine).toBeDefined();
      // Only the status: Fastify's headers never reach pino-http's default `res.headers` (always {}).
      expect(requestLine?.res).toEqual({ statusCode: 200 });
      expect(logs.text).not.toContain(VIEWER_KEY);
      expect(logs.text).not.toContain(ADMIN_KEY);
      expect(logs.text).toContain('[redacted]');
    } finally {
      await gw.close();
    }
  });

  it('log and count requests refused before routing, under a bounded route label', async () => {
    const logs = new LogCapture();
    const gw = await bootGateway('logs-rejected', { LOG_LEVEL: 'info' }, { logStream: logs });
    try {
      // Bad percent-encoding: refused by the router (frameworkErrors).
      await request(gw.url).get('/%zz1').expect(400);
      // Headers over Node's limit: refused by the HTTP parser (clientErrorHandler), answered on the socket.
      const { port } = new URL(gw.url);
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let data = '';
        socket.on('data', (d: Buffer) => (data += d.toString('utf8')));
        socket.on('close', () => resolve(data));
        socket.on('error', reject);
        socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      expect(head).toMatch(/^HTTP\/1\.1 431 /);

      const metrics = (await request(gw.url).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(
        /^huashu_http_requests_total\{method="GET",route="unmatched",status="400",app="gateway"\} 1$/m,
      );
      expect(metrics).toMatch(
        /^huashu_http_requests_total\{method="UNKNOWN",route="unmatched",status="431",app="gateway"\} 1$/m,
      );
      expect(metrics).not.toContain('zz1');

      const rejected = logs.lines
        .map((l) => JSON.parse(l) as { msg?: string; level?: number; res?: unknown; reason?: string })
        .filter((l) => l.msg === 'request rejected before routing');
      expect(rejected.map(({ level, res, reason }) => ({ level, res, reason }))).toEqual([
        { level: 30, res: { statusCode: 400 }, reason: 'FST_ERR_BAD_URL' },
        { level: 40, res: { statusCode: 431 }, reason: 'HPE_HEADER_OVERFLOW' },
      ]);
      expect(logs.text).not.toContain('aaaaaaaaaa');
    } finally {
      await gw.close();
    }
  });
});
