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
      expect(logs.text).not.toContain(VIEWER_KEY);
      expect(logs.text).not.toContain(ADMIN_KEY);
      expect(logs.text).toContain('[redacted]');
    } finally {
      await gw.close();
    }
  });
});
