// Scenario: an operator mistypes `?campaign=` on a script library read. GET /v1/admin/campaigns/{id}
// already said 404 for such a campaign, while the library's reads answered as if it were an empty
// library (200 with no scripts, no versions, no audit). Every campaign-scoped read of a campaign that
// does not exist is now 404 NOT_FOUND with the binding error body, as the campaign GET is, and none of
// them creates it; the first script import still creates it (DESIGN §4), after which the same reads answer.
// Real gateway, Redis, models and index.
import request from 'supertest';
import { ADMIN_KEY, EDITOR_KEY, VIEWER_KEY } from './support/boot.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const C = 'typo-campaign';

describe('admin reads of a campaign that does not exist answer 404', () => {
  const gw = gatewayForSuite('missing-campaign-reads');

  const reads = (c: string): [string, () => request.Test][] => [
    ['list', () => request(gw.url).get(`/v1/admin/scripts?campaign=${c}`).set(as(VIEWER_KEY))],
    ['export', () => request(gw.url).get(`/v1/admin/scripts/export?campaign=${c}`).set(as(VIEWER_KEY))],
    [
      'export jsonl',
      () => request(gw.url).get(`/v1/admin/scripts/export?campaign=${c}&format=jsonl`).set(as(VIEWER_KEY)),
    ],
    ['one script', () => request(gw.url).get(`/v1/admin/scripts/t-fallback?campaign=${c}`).set(as(VIEWER_KEY))],
    ['versions', () => request(gw.url).get(`/v1/admin/scripts/versions?campaign=${c}`).set(as(VIEWER_KEY))],
    ['audit', () => request(gw.url).get(`/v1/admin/scripts/audit?campaign=${c}`).set(as(VIEWER_KEY))],
    [
      'match the draft',
      () =>
        request(gw.url)
          .post(`/v1/admin/scripts/match?campaign=${c}`)
          .set(as(VIEWER_KEY))
          .send({ text: '多少钱', version: 'draft' }),
    ],
    [
      'threshold sweep',
      () =>
        request(gw.url)
          .post(`/v1/admin/scripts/threshold-sweep?campaign=${c}`)
          .set(as(EDITOR_KEY))
          .send({ pairs: [{ text: '多少钱', expected: null }] }),
    ],
  ];

  it('every library read is 404 NOT_FOUND, as the campaign GET, and creates nothing', async () => {
    const campaign = await request(gw.url).get(`/v1/admin/campaigns/${C}`).set(as(VIEWER_KEY));
    expectError(campaign, 404, 'NOT_FOUND');
    for (const [name, read] of reads(C)) {
      const res = await read();
      expect([name, res.status]).toEqual([name, 404]);
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toBe(`campaign ${C} does not exist`);
      expect(res.body.error.details).toEqual([{ campaignId: C }]);
    }
    // A bad query parameter is still a 400 first.
    expectError(
      await request(gw.url).get(`/v1/admin/scripts?campaign=${C}&version=latest`).set(as(VIEWER_KEY)),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await request(gw.url).get(`/v1/admin/campaigns/${C}`).set(as(VIEWER_KEY)), 404, 'NOT_FOUND');
  });

  it('the first import creates the campaign; then the reads answer', async () => {
    await request(gw.url)
      .post(`/v1/admin/scripts/import?campaign=${C}`)
      .set(as(EDITOR_KEY))
      .send([{ id: 't-fallback', text: '不好意思，您能再说一遍吗？', fallback: true }])
      .expect(200);
    await request(gw.url).get(`/v1/admin/campaigns/${C}`).set(as(VIEWER_KEY)).expect(200);
    const list = await request(gw.url).get(`/v1/admin/scripts?campaign=${C}`).set(as(VIEWER_KEY)).expect(200);
    expect(list.body.scripts.map((s: { id: string }) => s.id)).toEqual(['t-fallback']);
    const versions = await request(gw.url)
      .get(`/v1/admin/scripts/versions?campaign=${C}`)
      .set(as(VIEWER_KEY))
      .expect(200);
    expect(versions.body).toEqual({ versions: [] });
    const audit = await request(gw.url).get(`/v1/admin/scripts/audit?campaign=${C}`).set(as(VIEWER_KEY)).expect(200);
    expect(audit.body.entries).toHaveLength(1);
    await request(gw.url).get(`/v1/admin/scripts/t-fallback?campaign=${C}`).set(as(VIEWER_KEY)).expect(200);
    await request(gw.url)
      .post(`/v1/admin/scripts/match?campaign=${C}`)
      .set(as(VIEWER_KEY))
      .send({ text: '多少钱', version: 'draft' })
      .expect(200);
    // Not published yet: the sweep's 404 is about the library now, not the campaign.
    const sweep = await request(gw.url)
      .post(`/v1/admin/scripts/threshold-sweep?campaign=${C}`)
      .set(as(EDITOR_KEY))
      .send({ pairs: [{ text: '多少钱', expected: null }] });
    expectError(sweep, 404, 'NOT_FOUND');
    expect(sweep.body.error.message).not.toBe(`campaign ${C} does not exist`);
    await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${C}`).set(as(ADMIN_KEY)).expect(201);
  });
});
