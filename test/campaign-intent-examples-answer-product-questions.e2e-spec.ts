// Scenario: a product question the shared intent model puts out of scope is answered from the
// campaign's own intent examples (Campaign.intentExamples); without examples it gets the
// out-of-scope fallback, and a question about something else stays out of scope.
import request from 'supertest';
import { DEFAULT_INTENT_EXAMPLE_MIN_CONFIDENCE, DEFAULT_INTENT_EXAMPLE_THRESHOLD } from '@huashu/campaigns';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE_SETTINGS } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

// Written for this spec (not in the examples, the corpus or the question sets). With the shipped
// intent model each is out_of_scope, with the product-detail intent second or third.
const PRODUCT_QUESTION: Record<Lang, { text: string; example: string }> = {
  zh: { text: '装宽带要等几天', example: '装宽带要打孔吗' },
  en: { text: 'do I pay a penalty to cancel', example: 'is there a penalty for leaving early' },
};
const ELSEWHERE: Record<Lang, string> = { zh: '明天天气怎么样', en: "what's the weather like tomorrow" };

describe('campaign intent examples answer product questions the intent model puts out of scope', () => {
  const gw = gatewayForSuite('dlg-examples', { GENERATOR_MODE: 'inprocess' });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const chat = new Chat(gw.url);
    const { text, example } = PRODUCT_QUESTION[lang];

    // The sample campaign's settings carry its examples.
    expect(SAMPLE_SETTINGS).toHaveProperty(['intentExamples', 'byIntent', 'ask_product_detail']);
    const withExamples = await createLanguageCampaign(gw.url, lang, `examples-${lang}`);
    const a = (await chat.start({ campaignId: withExamples })).conversationId;
    const answered = await chat.say(a, text);
    expect(answered.intent.name).toBe('ask_product_detail');
    // The model's own probability for the intent, below the threshold it would need alone.
    expect(answered.intent.confidence).toBeGreaterThanOrEqual(DEFAULT_INTENT_EXAMPLE_MIN_CONFIDENCE);
    expect(answered.intent.confidence).toBeLessThan(0.5);
    expect(answered).toMatchObject({ route: 'generator', action: 'continue', degraded: false });
    expect(answered.reply.fallback).toBe(false);
    expect(answered.reply.scriptId).toMatch(new RegExp(`^${lang}-detail-`));
    const [record] = await chat.audit(a);
    expect(record.intent).toMatchObject({
      name: 'ask_product_detail',
      source: 'campaign-example',
      example: { text: example, similarity: expect.any(Number) },
    });
    expect(record.intent.example!.similarity).toBeGreaterThanOrEqual(DEFAULT_INTENT_EXAMPLE_THRESHOLD);

    // A phone conversation (the shorter turn deadline) takes the same intent.
    const phone = (await chat.start({ campaignId: withExamples, channel: 'phone' })).conversationId;
    expect(await chat.say(phone, text)).toMatchObject({
      intent: { name: 'ask_product_detail' },
      route: 'generator',
      degraded: false,
    });

    // Something else entirely stays out of scope on the same campaign.
    const b = (await chat.start({ campaignId: withExamples })).conversationId;
    const elsewhere = await chat.say(b, ELSEWHERE[lang]);
    expect(elsewhere).toMatchObject({ intent: { name: 'out_of_scope' }, route: 'fallback' });
    expect((await chat.audit(b))[0].intent.source).toBe('classifier');

    // The same question on a campaign without examples: the out-of-scope fallback.
    const without = await createLanguageCampaign(gw.url, lang, `no-examples-${lang}`, {
      intentExamples: { byIntent: {} },
    });
    const c = (await chat.start({ campaignId: without })).conversationId;
    const unanswered = await chat.say(c, text);
    expect(unanswered).toMatchObject({ intent: { name: 'out_of_scope' }, route: 'fallback' });
    expect(unanswered.reply.fallback).toBe(true);

    // An edit reaches running conversations: raising the threshold above any similarity turns the
    // examples off for the next turn (campaign reads are cached for up to a second).
    await request(gw.url)
      .put(`/v1/admin/campaigns/${withExamples}`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .send({ intentExamples: { threshold: 1 } })
      .expect(200);
    await new Promise((r) => setTimeout(r, 1100));
    const d = (await chat.start({ campaignId: withExamples })).conversationId;
    expect((await chat.say(d, text)).intent.name).toBe('out_of_scope');
  });

  it('counts the turns an example gave an intent', async () => {
    const metrics = await request(gw.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /^huashu_dialogue_intent_examples_total\{intent="ask_product_detail",app="gateway"\} 4$/m,
    );
  });
});
