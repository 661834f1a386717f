// Scenario: every campaign setting that names a script (opening, goodbye, default fallback, both sides
// of a follow-on, a question, per-script intent examples) names one the campaign's library holds.
// A PUT that names a script missing from a non-empty draft is 400 with the setting; deleting a script
// a setting names (one DELETE, or a replace import that drops it) is 409 naming the setting; and a
// publish answers with `warnings` for settings that name a script the version lacks or has disabled
// (settings written before the scripts existed, a script disabled later).
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

const auth = { authorization: `Bearer ${ADMIN_KEY}` };

const LIBRARY = [
  { id: 'acme-opening', text: '您好，我是爱克美净水的客服。', intent: 'greeting', tags: ['zh'] },
  { id: 'acme-goodbye', text: '好的，感谢您的时间，再见！', stage: 'closed', tags: ['zh', 'goodbye'] },
  { id: 'acme-price', text: '我们的净水器每台1999元，包上门安装。', intent: 'ask_price', tags: ['zh'] },
  { id: 'acme-intro', text: '我先简单介绍一下我们的净水器。', intent: 'affirm', tags: ['zh'] },
  { id: 'acme-fallback', text: '不好意思，我没听清楚，您能再说一遍吗？', fallback: true, tags: ['zh'] },
];

const NAMED = {
  openingScriptId: 'acme-opening',
  goodbyeScriptId: 'acme-goodbye',
  defaultFallbackScriptId: 'acme-fallback',
  followOns: { 'acme-intro': 'acme-price' },
  questions: { 'acme-intro': { answer: 'interest', intent: 'interested' } },
  intentExamples: { byScript: { 'acme-price': ['多少钱一台'] } },
  // Where its transfers go (else publish warns TRANSFER_TARGET_MISSING).
  transferTarget: 'sip:closers@acme.example',
};

describe('campaign settings name only scripts of the campaign’s library', () => {
  const gw = gatewayForSuite('campaign-script-refs');

  const put = (id: string, body: object) => request(gw.url).put(`/v1/admin/campaigns/${id}`).set(auth).send(body);
  const publish = (id: string) => request(gw.url).post(`/v1/admin/scripts/publish?campaign=${id}`).set(auth);
  const importRows = (id: string, rows: object[], mode = 'upsert') =>
    request(gw.url).post(`/v1/admin/scripts/import?campaign=${id}&mode=${mode}`).set(auth).send(rows);

  beforeAll(async () => {
    await importRows('acme', LIBRARY).expect(200);
    await put('acme', NAMED).expect(200);
  });

  it.each([
    ['openingScriptId', { openingScriptId: 'no-such-script' }, 'no-such-script'],
    ['goodbyeScriptId', { goodbyeScriptId: 'nope' }, 'nope'],
    ['defaultFallbackScriptId', { defaultFallbackScriptId: 'nope' }, 'nope'],
    ['followOns.acme-intro', { followOns: { 'acme-intro': 'nope' } }, 'nope'],
    ['followOns.nope', { followOns: { nope: 'acme-price' } }, 'nope'],
    ['questions.nope', { questions: { nope: { answer: 'x', intent: 'interested' } } }, 'nope'],
    ['intentExamples.byScript.nope', { intentExamples: { byScript: { nope: ['多少钱'] } } }, 'nope'],
  ])('PUT naming a missing script in %s: 400 naming the setting', async (field, body, scriptId) => {
    const res = await put('acme', body);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([expect.objectContaining({ field, scriptId })]);
    // Nothing changed.
    const now = await request(gw.url).get('/v1/admin/campaigns/acme').set(auth).expect(200);
    expect(now.body).toMatchObject(NAMED);
  });

  it('a PUT of other settings is not held up by them, and settings naming existing scripts pass', async () => {
    await put('acme', { matchThreshold: 0.8 }).expect(200);
    await put('acme', { goodbyeScriptId: 'acme-goodbye', followOns: { 'acme-intro': 'acme-price' } }).expect(200);
  });

  it('deleting a script a setting names: 409 naming the setting, the script stays', async () => {
    const res = await request(gw.url).delete('/v1/admin/scripts/acme-opening?campaign=acme').set(auth);
    expectError(res, 409, 'CONFLICT');
    expect(res.body.error.details).toEqual([{ field: 'openingScriptId', scriptId: 'acme-opening' }]);
    await request(gw.url).get('/v1/admin/scripts/acme-opening?campaign=acme').set(auth).expect(200);

    const price = await request(gw.url).delete('/v1/admin/scripts/acme-price?campaign=acme').set(auth);
    expectError(price, 409, 'CONFLICT');
    expect(price.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'followOns.acme-intro', scriptId: 'acme-price' },
        { field: 'intentExamples.byScript.acme-price', scriptId: 'acme-price' },
      ]),
    );
  });

  it('a replace import that drops a named script: 409, nothing imported', async () => {
    const rows = LIBRARY.filter((s) => s.id !== 'acme-goodbye');
    const res = await importRows('acme', rows, 'replace');
    expectError(res, 409, 'CONFLICT');
    expect(res.body.error.details).toEqual([{ field: 'goodbyeScriptId', scriptId: 'acme-goodbye' }]);
    await request(gw.url).get('/v1/admin/scripts/acme-goodbye?campaign=acme').set(auth).expect(200);
  });

  it('once the setting no longer names it, the script can be deleted', async () => {
    await importRows('acme-tmp', LIBRARY).expect(200);
    await put('acme-tmp', { openingScriptId: 'acme-opening' }).expect(200);
    await request(gw.url).delete('/v1/admin/scripts/acme-opening?campaign=acme-tmp').set(auth).expect(409);
    await put('acme-tmp', { openingScriptId: null }).expect(200);
    await request(gw.url).delete('/v1/admin/scripts/acme-opening?campaign=acme-tmp').set(auth).expect(204);
  });

  it('a publish with every named script present and enabled has no warnings', async () => {
    const res = await publish('acme').expect(201);
    expect(res.body.warnings).toEqual([]);
  });

  it('publish warns about a named script the version lacks or has disabled', async () => {
    // Settings first (a PUT that creates the campaign: If-None-Match: *), scripts after (allowed: an empty
    // library is not checked), one of them missing.
    await request(gw.url)
      .put('/v1/admin/campaigns/acme-early')
      .set({ ...auth, 'if-none-match': '*' })
      .send(NAMED)
      .expect(200);
    await importRows(
      'acme-early',
      LIBRARY.filter((s) => s.id !== 'acme-opening').map((s) =>
        s.id === 'acme-goodbye' ? { ...s, enabled: false } : s,
      ),
    ).expect(200);
    const res = await publish('acme-early').expect(201);
    expect(res.body.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'SCRIPT_MISSING', field: 'openingScriptId', scriptId: 'acme-opening' }),
        expect.objectContaining({ code: 'SCRIPT_DISABLED', field: 'goodbyeScriptId', scriptId: 'acme-goodbye' }),
      ]),
    );
    expect(res.body.warnings).toHaveLength(2);
  });
});
