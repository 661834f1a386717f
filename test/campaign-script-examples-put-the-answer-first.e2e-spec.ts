// Scenario: a campaign gives its intent examples per script (intentExamples.byScript: what customers
// say that this approved reply answers). A question near one of them is shown that script first in
// the generator prompt, where the words and the encoder alone put another script of the same intent
// first. The control is the same campaign with the same examples given per intent (byIntent): the
// same intents, the old order.
import request from 'supertest';
import { DEFAULT_INTENT_EXAMPLE_THRESHOLD } from '@huashu/campaigns';
import { promptExemplars, type ChatMessage } from '@huashu/generator';
import { ADMIN_KEY } from './support/boot.js';
import { Chat, createSampleCampaign } from './support/dialogue.js';
import { SAMPLE, SAMPLE_SETTINGS, sampleExamplesPerIntent, spokenSample as spoken } from './support/sample-campaign.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const EXAMPLES = SAMPLE_SETTINGS.intentExamples;

// Written for this spec (not in the examples, the corpus or the question sets). Second element: the
// script that answers; third: what the control puts first instead.
const CASES = [
  ['zh', '装宽带那天我得在家等多久', 'zh-detail-install', 'zh-detail-speed'],
  ['zh', '有便宜一些的套餐吗', 'zh-objection-price-cheaper', 'zh-objection-price-value'],
  ['en', "what's the shortest contract", 'en-detail-contract', 'en-detail-speed'],
  ['en', 'how long is the minimum term', 'en-detail-contract', 'en-detail-number'],
] as const;

describe('campaign script examples put the script that answers the question first', () => {
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-script-examples');
  beforeAll(async () => {
    for (const [id, intentExamples] of [
      ['by-script', EXAMPLES],
      ['by-intent', sampleExamplesPerIntent()],
    ] as const) {
      await createSampleCampaign(gw.url, id, { intentExamples });
      // An out-of-scope utterance waits for the campaign's examples to be embedded, as the first such
      // turn after an edit does; the answer lookup itself never waits for them.
      await request(gw.url)
        .post(`/v1/admin/intents/classify?campaign=${id}`)
        .set(auth)
        .send({ text: '今天天气怎么样' })
        .expect(200);
    }
  });

  /** The turn, the approved replies its generator prompt quoted, and its audit record. */
  const ask = async (campaignId: string, text: string) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const sent = llm.requests.length;
    const turn = await chat.say(conversationId, text);
    const prompt = llm.requests.slice(sent).find((r) => r.path.endsWith('/chat/completions'))!;
    const quoted = promptExemplars((prompt.body as { messages: ChatMessage[] }).messages);
    const [record] = await chat.audit(conversationId);
    return { turn, quoted, record };
  };

  it.each(CASES)('%s: "%s" quotes %s first', async (_lang, text, answer, otherwise) => {
    // The model says what it is shown first, as a model close to its prompt does.
    llm.behave({ text: spoken(answer) });
    const scripted = await ask('by-script', text);
    expect(scripted.turn).toMatchObject({ route: 'generator', degraded: false, reply: { scriptId: answer } });
    expect(scripted.quoted[0]).toBe(spoken(answer));
    expect(scripted.record.generator?.answerExample).toEqual({
      scriptId: answer,
      text: expect.any(String),
      similarity: expect.any(Number),
    });
    expect(EXAMPLES.byScript[answer]).toContain(scripted.record.generator!.answerExample!.text);
    expect(scripted.record.generator!.answerExample!.similarity).toBeGreaterThanOrEqual(
      DEFAULT_INTENT_EXAMPLE_THRESHOLD,
    );

    // The same examples per intent: the same intent, another script first, no answer example.
    const control = await ask('by-intent', text);
    expect(control.turn.intent.name).toBe(scripted.turn.intent.name);
    expect(control.quoted[0]).toBe(spoken(otherwise));
    expect(control.record.generator?.answerExample).toBeUndefined();
  });

  it('counts the turns whose prompt quoted an example’s script first', async () => {
    const counted = async (): Promise<number> => {
      const { text } = await request(gw.url).get('/metrics').expect(200);
      const line = /^huashu_dialogue_answer_examples_total\{intent="objection_price",app="gateway"\} (\d+)$/m.exec(
        text,
      );
      return Number(line?.[1] ?? 0);
    };
    const before = await counted();
    llm.behave({ text: spoken('zh-objection-price-cheaper') });
    await ask('by-script', CASES[1][1]);
    await ask('by-intent', CASES[1][1]);
    expect(await counted()).toBe(before + 1);
  });

  it('the admin classify route names the script of an example that gave the intent', async () => {
    // Out of scope for the model alone; the nearest example is zh-detail-install's.
    const res = await request(gw.url)
      .post('/v1/admin/intents/classify?campaign=by-script')
      .set(auth)
      .send({ text: '装宽带要等几天' })
      .expect(200);
    expect(res.body).toMatchObject({
      intent: { name: 'ask_product_detail' },
      source: 'campaign-example',
      example: { scriptId: 'zh-detail-install' },
    });
  });

  it('a disabled script is not put first: its examples no longer count', async () => {
    // A question the model itself puts in scope (objection_price), so the turn still reaches the generator.
    const [, text, answer] = CASES[1];
    const current = await request(gw.url).get(`/v1/admin/scripts/${answer}?campaign=by-script`).set(auth).expect(200);
    const { text: scriptText, intent } = SAMPLE.find((s) => s.id === answer)!;
    await request(gw.url)
      .put(`/v1/admin/scripts/${answer}?campaign=by-script`)
      .set({ ...auth, 'if-match': current.headers.etag })
      .send({ text: scriptText, intent, enabled: false })
      .expect(200);
    await request(gw.url).post(`/v1/admin/scripts/publish?campaign=by-script`).set(auth).expect(201);
    const after = await ask('by-script', text);
    expect(after.quoted).not.toContain(spoken(answer));
    expect(after.record.generator?.answerExample?.scriptId).not.toBe(answer);
  });
});
