// Scenario: what an exploratory tester found stored raw or unheard, through the booted gateway on real
// Redis. US and UK numbers said in their national format ("212-736-5000", "my mobile is 07911 123456")
// are masked in the turn and the transcript; common abuse (你有病吧, 你他妈有病吧, Twilio's masked
// "f*** off") is heard as abuse, so the caller gets the calming line, not a pitch; the metadata given at
// start is stored and shown screened, as customer text is; a turn text of control characters only is
// refused like a blank one, and controls inside a text are not stored.
import request from 'supertest';
import { ADMIN_KEY, VIEWER_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

describe('compliance round two: stored redacted, abuse heard, bad text refused', () => {
  const gw = gatewayForSuite('pii-round2', { GENERATOR_MODE: 'inprocess' });
  let en = '';
  let zh = '';
  beforeAll(async () => {
    en = await createLanguageCampaign(gw.url, 'en', 'pii2-en');
    zh = await createLanguageCampaign(gw.url, 'zh', 'pii2-zh');
  });

  it.each([
    ['call me on 212-736-5000', ['212-736-5000', '7365000']],
    ['212 736 5000', ['212 736 5000']],
    ['my number is 2127365000', ['2127365000']],
    ['my mobile is 07911 123456', ['07911 123456', '123456']],
  ])('a national-format number is masked in the turn and the transcript: %s', async (text, raw) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: en });
    const turn = await chat.say(conversationId, text);
    expect(turn.compliance.input.verdict).toBe('redact');
    expect(turn.compliance.input.hits?.map((h) => h.category)).toEqual(['pii_phone']);
    const view = await chat.view(conversationId);
    const records = await request(gw.url)
      .get(`/v1/admin/conversations/${conversationId}/audit`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .expect(200);
    for (const stored of [JSON.stringify(turn), JSON.stringify(view), JSON.stringify(records.body)])
      for (const r of raw) expect(stored).not.toContain(r);
  });

  it.each([
    ['en', 'you are useless, f*** off'],
    ['en', 'f**k you'],
    ['zh', '你他妈有病吧'],
    ['zh', '你有病吧'],
  ] as const)('%s: "%s" is abuse: the calming line, not a pitch', async (lang, text) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: lang === 'en' ? en : zh });
    const turn = await chat.say(conversationId, text);
    expect(turn.compliance.input.hits?.map((h) => h.category)).toContain('abuse');
    expect(turn.reply.scriptId).toBe(`${lang}-abuse-calm`);
  });

  it.each(['家里老人有病', '我有病在医院', '你有病史吗？', '如果你有病，可以申请理赔吗'])(
    '有病 said of an illness is no abuse: %s',
    async (text) => {
      const checked = await request(gw.url)
        .post(`/v1/admin/compliance/check?campaign=${zh}`)
        .set('authorization', `Bearer ${VIEWER_KEY}`)
        .send({ text, direction: 'input' })
        .expect(200);
      expect(checked.body).toMatchObject({ verdict: 'allow', hits: [] });
    },
  );

  it('metadata strings are stored and shown screened; other values as given', async () => {
    const chat = new Chat(gw.url);
    const metadata = {
      note: '身份证110105194912310021 手机13800138000',
      crm: { contacts: ['call 212-736-5000 after six', 'none'], score: 7, vip: true, tag: null },
      source: 'web-form',
    };
    const { conversationId } = await chat.start({ campaignId: zh, metadata });
    const view = await chat.view(conversationId);
    expect(view.metadata).toEqual({
      note: '身份证****************** 手机***********',
      crm: { contacts: ['call ************ after six', 'none'], score: 7, vip: true, tag: null },
      source: 'web-form',
    });
    const stored = JSON.stringify(view);
    for (const raw of ['110105194912310021', '13800138000', '212-736-5000']) expect(stored).not.toContain(raw);
  });

  it('a text of control characters only is refused like a blank one; controls inside a text are not stored', async () => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: en });
    const before = await chat.view(conversationId);
    for (const text of ['\u0000\u0007', '\u0000 \u0007\n', '\u200b\u202e'])
      expectError(
        await request(gw.url).post(`/v1/conversations/${conversationId}/turns`).send({ text }),
        400,
        'VALIDATION_FAILED',
      );
    // Nothing half-written: the transcript is as it was.
    expect((await chat.view(conversationId)).transcript).toEqual(before.transcript);

    await chat.say(conversationId, 'how much\u0000 is it\u0007?');
    const after = await chat.view(conversationId);
    const said = after.transcript.filter((e) => e.role === 'customer').map((e) => e.text);
    expect(said).toEqual(['how much is it?']);
  });
});
