// Scenario: an editor's change went live as version 2 and was wrong; an admin rolls back to version 1.
// The rule (README "Rollback changes what is live, never the draft"): version 1 is served again, the
// draft keeps the editors' work in progress — the wrong change included — so the next publish publishes
// it again: that publish now says so (warning ROLLED_BACK_DRAFT; before, nothing told the admin the
// rolled-back price was live again). Re-importing version 1's export (mode=replace) starts the draft
// from what is live, and a publish of it has no such warning.
// Real gateway, Redis, models and index.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { gatewayForSuite } from './support/suite.js';

const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const C = 'rollback-rule';
const FALLBACK = { id: 'rb-fallback', text: '不好意思，我没听清楚，您能再说一遍吗？', fallback: true, tags: ['zh'] };
const PRICE = { id: 'rb-price', text: '我们的净水器每台1999元，包上门安装。', intent: 'ask_price', tags: ['zh'] };
const WRONG = { ...PRICE, text: '我们的净水器每台19元，包上门安装。' };

describe('rollback changes what is live, not the draft', () => {
  const gw = gatewayForSuite('rollback-rule');
  const url = (path: string) => `/v1/admin/scripts${path}${path.includes('?') ? '&' : '?'}campaign=${C}`;
  const publish = async () => (await request(gw.url).post(url('/publish')).set(auth).expect(201)).body;
  const served = async (version?: number) =>
    (
      await request(gw.url)
        .get(url(`/rb-price${version ? `?version=${version}` : ''}`))
        .set(auth)
        .expect(200)
    ).body.text as string;
  const live = async () => {
    const { current } = (await request(gw.url).get(url('/versions')).set(auth).expect(200)).body;
    return { current: current as number, text: await served(current) };
  };

  it('serves the earlier version, keeps the draft, and a re-import of its export resets the draft', async () => {
    await request(gw.url).post(url('/import')).set(auth).send([FALLBACK, PRICE]).expect(200);
    // Where its transfers go, so the publishes warn about nothing else.
    await request(gw.url)
      .put(`/v1/admin/campaigns/${C}`)
      .set(auth)
      .send({ transferTarget: 'sip:closers@acme.example' })
      .expect(200);
    expect(await publish()).toMatchObject({ version: 1 });
    await request(gw.url).put(url('/rb-price')).set(auth).send(WRONG).expect(200);
    expect(await publish()).toMatchObject({ version: 2, previous: 1 });

    await request(gw.url).post(url('/rollback')).set(auth).send({ version: 1 }).expect(200);
    expect(await live()).toEqual({ current: 1, text: PRICE.text });
    // The draft is the editors' work in progress: still the wrong price.
    expect(await served()).toBe(WRONG.text);

    // A publish with no edit since puts the rolled-back content back, and says so.
    const again = await publish();
    expect(again).toMatchObject({ version: 3, previous: 1 });
    expect(again.warnings).toEqual([expect.objectContaining({ code: 'ROLLED_BACK_DRAFT', version: 2 })]);
    expect(await live()).toEqual({ current: 3, text: WRONG.text });
    await request(gw.url).post(url('/rollback')).set(auth).send({ version: 1 }).expect(200);

    // Start the draft again from what is live: its export, imported as is.
    const v1 = (await request(gw.url).get(url('/export?version=1')).set(auth).expect(200)).body as object[];
    const reset = await request(gw.url).post(url('/import?mode=replace')).set(auth).send(v1).expect(200);
    expect(reset.body).toMatchObject({ updated: 1, unchanged: 1, deleted: 0 });
    expect(await served()).toBe(PRICE.text);
    const fixed = await publish();
    expect(fixed).toMatchObject({ version: 4, previous: 1, warnings: [] });
    expect(await live()).toEqual({ current: 4, text: PRICE.text });
  });
});
