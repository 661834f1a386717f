// Scenario: an abusive caller is never answered with a sales pitch. The first abusive turn (input
// screening's `abuse`) hears the library's calming line (tagged `abuse`) and the call goes on; the
// campaign's `abuseHangupAfter`-th abusive turn of the call (default 2) ends it politely: the goodbye,
// `hangup`, reason `abuse`. Abuse is no opt-out: the number is not listed, unless the same words also
// ask not to be called (the do-not-call path wins then).
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign, expectListedAndRefused, type Lang } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

const CASES: Record<Lang, { first: string; calm: string; between: string; second: string; phone: string }> = {
  // 操你妈 reads as ask_product_detail to the intent model, "fuck off you scammers" as objection_trust:
  // both were answered with a pitch before.
  zh: { first: '操你妈', calm: '抱歉打扰到您了', between: '你们是哪个公司的', second: '滚', phone: '13800138000' },
  en: {
    first: 'fuck off you scammers',
    calm: "I'm sorry to have bothered you",
    between: 'which company are you calling from',
    second: 'shut up',
    phone: '(415) 555-2671',
  },
};

describe('an abusive caller is calmed, then hung up on', () => {
  const gw = gatewayForSuite('dlg-abuse', { GENERATOR_MODE: 'inprocess' });
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };

  it.each(['zh', 'en'] as const)(
    '%s: calming line first, goodbye and hangup on the second abusive turn, number not listed',
    async (lang) => {
      const campaignId = await createLanguageCampaign(gw.url, lang);
      const chat = new Chat(gw.url);
      const c = CASES[lang];
      const { conversationId } = await chat.start({ campaignId, customer: { phone: c.phone } });

      const first = await chat.say(conversationId, c.first);
      expect(first).toMatchObject({ route: 'script', action: 'continue', leadStage: 'new' });
      expect(first.reply).toMatchObject({ scriptId: `${lang}-abuse-calm`, fallback: false });
      expect(first.reply.text).toContain(c.calm);
      expect(first.compliance.input.hits?.map((h) => h.category)).toContain('abuse');
      expect(first.actionDetail).toBeUndefined();

      // A civil turn between is answered as usual, and does not forgive the first abusive one.
      const between = await chat.say(conversationId, c.between);
      expect(between.action).toBe('continue');
      expect(between.reply.scriptId).not.toBe(`${lang}-abuse-calm`);

      const second = await chat.say(conversationId, c.second);
      expect(second.compliance.input.hits?.map((h) => h.category)).toContain('abuse');
      expect(second).toMatchObject({
        route: 'script',
        action: 'hangup',
        leadStage: 'closed',
        actionDetail: { reason: 'abuse' },
      });
      expect(second.reply.scriptId).toBe(`${lang}-goodbye`);
      expect(second).not.toHaveProperty('doNotCall');

      const records = await chat.audit(conversationId);
      expect(records.map((r) => (r as unknown as { abuse?: unknown }).abuse)).toEqual([
        { count: 1, hangupAfter: 2 },
        undefined,
        { count: 2, hangupAfter: 2 },
      ]);
      expect(records[2]).toMatchObject({ action: 'hangup', actionDetail: { reason: 'abuse' }, effects: {} });
      expect((await chat.view(conversationId)).endReason).toBe('abuse');

      // Abuse is no opt-out: the number may be called again.
      await request(gw.url)
        .post('/v1/conversations')
        .send({ campaignId, customer: { phone: c.phone } })
        .expect(201);
    },
  );

  it('the calming line is no match target: an open match never returns it, even for its own words', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en', 'abuse-match');
    const res = await request(gw.url)
      .post(`/v1/admin/scripts/match?campaign=${campaignId}`)
      .set(auth)
      .send({ text: "I'm sorry to have bothered you, and I understand this may not be a good time.", k: 20 })
      .expect(200);
    const ids: string[] = res.body.matches.map((m: { scriptId: string }) => m.scriptId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('en-abuse-calm');
  });

  it('abuseHangupAfter 1 hangs up on the first abusive turn', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh', 'abuse-strict', { abuseHangupAfter: 1 });
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turn = await chat.say(conversationId, '操你妈');
    expect(turn).toMatchObject({ action: 'hangup', leadStage: 'closed', actionDetail: { reason: 'abuse' } });
    expect(turn.reply.scriptId).toBe('zh-goodbye');
  });

  it('a library without a calming line ends the call politely at once', async () => {
    const campaignId = await createLanguageCampaign(
      gw.url,
      'en',
      'abuse-no-line',
      {},
      (s) => !s.tags.includes('abuse'),
    );
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turn = await chat.say(conversationId, 'fuck off you scammers');
    expect(turn).toMatchObject({ action: 'hangup', actionDetail: { reason: 'abuse' } });
    expect(turn.reply.scriptId).toBe('en-goodbye');
  });

  it('abuse with an explicit do-not-call request: the request wins, the number is listed', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh', 'abuse-dnc');
    const chat = new Chat(gw.url);
    const phone = '13900139000';
    const { conversationId } = await chat.start({ campaignId, customer: { phone } });
    const turn = await chat.say(conversationId, '滚，别再给我打电话了');
    await expectListedAndRefused(gw.url, turn, campaignId, phone);
  });

  it('the campaign endpoint takes abuseHangupAfter 1-10 (default 2, null restores it) and refuses anything else', async () => {
    const put = (body: object, create = false) =>
      request(gw.url)
        .put('/v1/admin/campaigns/abuse-settings')
        .set(create ? { ...auth, 'if-none-match': '*' } : auth)
        .send(body);
    expect((await put({ name: 'abuse settings' }, true).expect(200)).body.abuseHangupAfter).toBe(2);
    expect((await put({ abuseHangupAfter: 1 }).expect(200)).body.abuseHangupAfter).toBe(1);
    for (const bad of [0, 1.5, 11, -1, '2', true])
      expectError(await put({ abuseHangupAfter: bad }), 400, 'VALIDATION_FAILED');
    expect((await put({ abuseHangupAfter: null }).expect(200)).body.abuseHangupAfter).toBe(2);
  });
});
