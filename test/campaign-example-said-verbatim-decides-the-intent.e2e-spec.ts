// Scenario: a caller says one of the campaign's intent examples word for word (case, spaces and
// punctuation aside). The example decides the intent even where the shared model is sure of another
// one: "is there a promotion" is interested to the model, and the sample campaign gives it for the
// promotion script (ask_price); 安装收费吗 is ask_price to the model, and the campaign gives it for the
// installation script. (The model used to hear "when can you install it" as ready_to_buy, which transferred
// the call; the corpus round of 30 Nov for misrouted calls taught it ask_product_detail.) A near wording
// stays with the model, and a campaign without the example keeps the model's intent.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

// The sample campaign's examples, said as a caller would (capitals, a question mark, extra spaces);
// second: what the model alone makes of them; third: the script the example is given for; fourth: that
// script's intent.
const CASES = [
  ['en', 'Is there a  promotion?', 'interested', 'en-price-promo', 'ask_price'],
  ['zh', '安装 收费吗？', 'ask_price', 'zh-detail-install', 'ask_product_detail'],
] as const;

describe('a campaign example said word for word decides the intent', () => {
  const gw = gatewayForSuite('dlg-exact-examples', { GENERATOR_MODE: 'inprocess' });

  it.each(CASES)('%s: "%s"', async (lang, text, modelIntent, scriptId, exampleIntent) => {
    const chat = new Chat(gw.url);
    const withExamples = await createLanguageCampaign(gw.url, lang, `exact-${lang}`);
    const without = await createLanguageCampaign(gw.url, lang, `exact-none-${lang}`, {
      intentExamples: { byIntent: {} },
    });

    // The model alone (no examples): its own intent.
    const c = (await chat.start({ campaignId: without })).conversationId;
    const alone = await chat.say(c, text);
    expect(alone.intent.name).toBe(modelIntent);
    expect(alone.intent.confidence).toBeGreaterThan(0.9);

    // With the examples: the example's intent, the generator route, the call continues.
    const a = (await chat.start({ campaignId: withExamples })).conversationId;
    const decided = await chat.say(a, text);
    expect(decided).toMatchObject({
      intent: { name: exampleIntent },
      route: 'generator',
      action: 'continue',
      degraded: false,
    });
    // The confidence stays the model's own probability for the example's intent.
    expect(decided.intent.confidence).toBeLessThan(0.1);
    const [record] = await chat.audit(a);
    expect(record.intent).toMatchObject({
      name: exampleIntent,
      source: 'campaign-example',
      example: { similarity: 1, scriptId, exact: true },
    });
    // The example's script is the answer the prompt shows first, on this first turn of a campaign whose
    // examples nothing has embedded yet (the nearest-example lookup does not wait for that).
    expect(record.generator?.answerExample).toEqual({ scriptId, text: record.intent.example!.text, similarity: 1 });

    // The admin classify route says the same.
    const classified = await request(gw.url)
      .post(`/v1/admin/intents/classify?campaign=${withExamples}`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .send({ text })
      .expect(200);
    expect(classified.body).toMatchObject({
      intent: { name: exampleIntent },
      source: 'campaign-example',
      example: { scriptId, exact: true, similarity: 1 },
    });
  });

  it('a near wording is not the example: the model decides', async () => {
    const chat = new Chat(gw.url);
    const id = await createLanguageCampaign(gw.url, 'en', 'exact-near-en');
    const a = (await chat.start({ campaignId: id })).conversationId;
    const turn = await chat.say(a, 'so when can you install it for me');
    const [record] = await chat.audit(a);
    // The model is sure of an intent here, so no example applies at all.
    expect(record.intent.source).toBe('classifier');
    expect(record.intent).not.toHaveProperty('example');
    expect(turn.intent.name).not.toBe('out_of_scope');
  });
});
