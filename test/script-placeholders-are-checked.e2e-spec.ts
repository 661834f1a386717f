// Scenario: a script's placeholders are checked before a caller hears them. A brace that is not part of
// a well-formed `{slot_name}` ("hello {customer_name") would be spoken literally: create, replace and
// import refuse it (400; an import names the row and writes nothing). A well-formed placeholder that
// neither a built-in slot (customer_name, callback_time) nor the campaign's slots fill would be left out
// of the sentence at run time: publish succeeds and warns about it (UNKNOWN_SLOT, with the scripts).
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const fallback = { id: 'p-fallback', text: '不好意思，您能再说一遍吗？', fallback: true, tags: ['zh'] };

describe('script placeholders are checked', () => {
  const gw = gatewayForSuite('script-placeholders');

  it.each(['hello {customer_name', 'hello customer_name}', 'hello {Customer Name}', '价格是{{price}}'])(
    'an import row with %j: 400 with its row number, nothing imported',
    async (text) => {
      const res = await request(gw.url)
        .post('/v1/admin/scripts/import?campaign=braces')
        .set(auth)
        .send([fallback, { id: 'e5', text }]);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([
        { row: 2, issues: [{ field: 'text', rule: expect.stringMatching(/brace/) }] },
      ]);
      // Nothing written, not even the campaign its first import would have created.
      expectError(await request(gw.url).get('/v1/admin/scripts?campaign=braces').set(auth), 404, 'NOT_FOUND');
    },
  );

  it('create and replace refuse an unbalanced brace too', async () => {
    const created = await request(gw.url)
      .post('/v1/admin/scripts?campaign=braces-one')
      .set(auth)
      .send({ id: 'e5', text: 'hello {customer_name' });
    expectError(created, 400, 'VALIDATION_FAILED');
    expect(created.body.error.details).toEqual([{ field: 'text', rule: expect.stringMatching(/brace/) }]);

    await request(gw.url).post('/v1/admin/scripts?campaign=braces-one').set(auth).send(fallback).expect(201);
    const replaced = await request(gw.url)
      .put('/v1/admin/scripts/p-fallback?campaign=braces-one')
      .set(auth)
      .send({ text: '您能再说一遍吗？{customer_name' });
    expectError(replaced, 400, 'VALIDATION_FAILED');
    const kept = await request(gw.url).get('/v1/admin/scripts/p-fallback?campaign=braces-one').set(auth).expect(200);
    expect(kept.body.text).toBe(fallback.text);
  });

  it('publish warns about a placeholder no slot fills, not about built-in or campaign slots', async () => {
    const c = 'slots-acme';
    await request(gw.url)
      .put(`/v1/admin/campaigns/${c}`)
      .set({ ...auth, 'if-none-match': '*' })
      .send({ slots: { company_name: '爱克美' }, slotsByLanguage: { en: { product_name: 'water filter' } } })
      .expect(200);
    await request(gw.url)
      .post(`/v1/admin/scripts/import?campaign=${c}`)
      .set(auth)
      .send([
        fallback,
        { id: 'greet', text: '您好{custmer_name}，我是{company_name}的客服。', intent: 'greeting' },
        { id: 'price', text: '我们的净水器{price}，包上门安装。', intent: 'ask_price' },
        { id: 'price-en', text: 'Our {product_name} is {price}, installation included.', intent: 'ask_price' },
        { id: 'callback', text: '好的{customer_name}，我们{callback_time}再打给您。', intent: 'busy_call_later' },
        { id: 'off', text: '{unused_slot}', enabled: false },
      ])
      .expect(200);
    const res = await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${c}`).set(auth).expect(201);
    const bySlot = Object.fromEntries(
      (res.body.warnings as { code: string; slot: string }[])
        .filter((w) => w.code === 'UNKNOWN_SLOT')
        .map((w) => [w.slot, w]),
    );
    expect(Object.keys(bySlot).sort()).toEqual(['custmer_name', 'price']);
    expect(bySlot.custmer_name).toMatchObject({ code: 'UNKNOWN_SLOT', scriptIds: ['greet'], count: 1 });
    expect(bySlot.price).toMatchObject({ code: 'UNKNOWN_SLOT', count: 2 });
    expect([...(bySlot.price as unknown as { scriptIds: string[] }).scriptIds].sort()).toEqual(['price', 'price-en']);
  });
});
