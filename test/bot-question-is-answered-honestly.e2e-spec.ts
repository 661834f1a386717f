// Scenario: a caller asks whether they are talking to a bot ("你是机器人吗", "are you a robot?"). Laws the
// operators care about (California SB 1001, EU AI Act Art. 50(1), the FCC's AI-voice ruling,
// 互联网信息服务深度合成管理规定) require the bot to say it is automated. Input screening finds the
// question (`bot_question`) and the turn answers with the library's disclosure script in the caller's
// language, the call going on with the lead stage unchanged; the next question is answered as usual.
// A library without a disclosure script hands the call to a person (the ask_human route), and a
// generated answer claiming to be human is blocked on output (`claims_human`) and falls back. Before,
// the intent model read the question as ask_company and the caller heard the company intro.
// Real gateway, Redis, models and index; the LLM is the local fake server.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { spokenSample } from './support/sample-campaign.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';
import { TELEPHONY_ENV } from './support/telephony-env.js';

/** The shipped bilingual sample campaign, as the gateway seeds it from data/campaigns/default. */
const CAMPAIGN = 'default';
const QUESTIONS: [Lang, string][] = [
  ['zh', '你是机器人吗'],
  ['zh', '你是不是真人啊'],
  ['en', 'are you a robot?'],
  ['en', 'am I talking to a real person'],
];
/** A real question about the company, asked next: answered as usual. */
const ASK_COMPANY: Record<Lang, string> = { zh: '你们是哪家公司的', en: 'which company are you from' };
/** A generated answer that claims to be human (the price question routes to the generator). */
const CLAIM: Record<Lang, { ask: string; bad: string }> = {
  zh: { ask: '月费多少钱？', bad: '我是真人客服，您放心，月费是每月199元。' },
  en: { ask: 'how much does it cost per month?', bad: "I'm a real person, don't worry. It's 199 a month." },
};

describe('"are you a robot?" is answered honestly', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-bot-question', TELEPHONY_ENV);

  it.each(QUESTIONS)('%s "%s": the disclosure script, continue, then the call goes on', async (lang, question) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: CAMPAIGN });
    const turn = await chat.say(conversationId, question);
    expect(turn).toMatchObject({
      route: 'script',
      action: 'continue',
      leadStage: 'new',
      disclosure: 'given',
      degraded: false,
      reply: { scriptId: `${lang}-disclosure`, text: spokenSample(`${lang}-disclosure`), fallback: false },
    });
    expect(turn.compliance.input.hits?.map((h) => h.category)).toContain('bot_question');

    const next = await chat.say(conversationId, ASK_COMPANY[lang]);
    expect(next).toMatchObject({ intent: { name: 'ask_company' }, action: 'continue', leadStage: 'engaged' });
    expect(next.reply.scriptId).toMatch(new RegExp(`^${lang}-(company|fallback-ask-company)`));
    expect(next.disclosure).toBeUndefined();

    const [asked, after] = await chat.audit(conversationId);
    expect(asked.effects).toEqual({ disclosure: 'given' });
    expect(asked.compliance.input.categories).toContain('bot_question');
    expect(after.effects).toEqual({});
  });

  it.each(['zh', 'en'] as const)(
    '%s: a library without a disclosure script hands the call to a person',
    async (lang) => {
      const campaignId = await createLanguageCampaign(
        gw.url,
        lang,
        `bot-question-no-disclosure-${lang}`,
        {},
        (s) => !s.tags.includes('disclosure'),
      );
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      const turn = await chat.say(conversationId, QUESTIONS.find(([l]) => l === lang)![1]);
      expect(turn).toMatchObject({
        action: 'transfer',
        actionDetail: { reason: 'ask_human' },
        disclosure: 'transferred',
        leadStage: 'closed',
        reply: { scriptId: `${lang}-ask-human` },
      });
      const [record] = await chat.audit(conversationId);
      expect(record.effects).toEqual({ disclosure: 'transferred' });
    },
  );

  it.each(['zh', 'en'] as const)('%s: a generated answer claiming to be human is blocked → fallback', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang, `bot-question-claims-human-${lang}`);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    llm.behave({ text: CLAIM[lang].bad });
    const turn = await chat.say(conversationId, CLAIM[lang].ask);
    expect(turn.intent.name).toBe('ask_price');
    expect(turn.compliance.output.verdict).toBe('block');
    expect(turn.compliance.output.hits.map((h) => h.category)).toContain('claims_human');
    expect(turn).toMatchObject({ route: 'fallback', degraded: false, reply: { fallback: true } });
    expect(turn.reply.scriptId).toBe(`${lang}-fallback-ask-price`);
    const [record] = await chat.audit(conversationId);
    expect(record.generator).toMatchObject({ model: 'fake-sales-model', finishReason: 'stop' });
    expect(record.compliance.output.categories).toContain('claims_human');
  });

  it('the disclosure is no match target: an open match of its own text never returns it', async () => {
    const res = await request(gw.url)
      .post(`/v1/admin/scripts/match?campaign=${CAMPAIGN}`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .send({ text: spokenSample('zh-disclosure'), k: 10 })
      .expect(200);
    const ids = (res.body as { matches: { scriptId: string }[] }).matches.map((m) => m.scriptId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('zh-disclosure');
    expect(ids).not.toContain('en-disclosure');
  });

  it('generic telephony events: the question gets the disclosure and the call goes on', async () => {
    const post = (body: object) => request(gw.url).post('/v1/telephony/events').send(body).expect(200);
    await post({ callId: 'fs-bot-question', event: { type: 'start', campaignId: CAMPAIGN } });
    const turn = await post({
      callId: 'fs-bot-question',
      eventId: 'e1',
      event: { type: 'user_text', text: '你是机器人吗' },
    });
    expect(turn.body).toMatchObject({ action: 'continue', reply: { text: spokenSample('zh-disclosure') } });
  });
});
