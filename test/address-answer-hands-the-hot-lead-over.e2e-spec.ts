// Scenario: the bot asks an interested lead for their address (zh-affirm-engaged "请问您家是在哪个小区？",
// en-affirm-engaged "Which street do you live on?") and the caller answers it. The sample campaign
// declares what an answer to those questions means (campaign `questions`: the address, ready_to_buy),
// so the answer the intent model cannot place is taken as ready_to_buy: the hot lead is handed to the
// closer with the address in the transfer's lead summary and in the audit, instead of "sorry, I didn't
// catch that". The same words with no question before them are still clarified, a "no thanks" after
// the question is still a "no", and a campaign cannot declare a question that does not exist.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';

describe('an answer to the address question hands the hot lead over', () => {
  const gw = gatewayForSuite('dlg-address-answer', { GENERATOR_MODE: 'inprocess' });
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };

  it('a campaign PUT with a bad questions entry is refused with 400, naming the entry', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en', 'address-answer-en', { questions: null });
    const put = (questions: unknown) =>
      request(gw.url).put(`/v1/admin/campaigns/${campaignId}`).set(auth).send({ questions });
    const cases: [unknown, string][] = [
      // Not a script of the campaign's library.
      [{ 'en-no-such-question': { answer: 'address', intent: 'ready_to_buy' } }, 'questions.en-no-such-question'],
      // A script of another library (this campaign has the English scripts only).
      [{ 'zh-affirm-engaged': { answer: 'address', intent: 'ready_to_buy' } }, 'questions.zh-affirm-engaged'],
      [{ 'en-affirm-engaged': { answer: 'address', intent: 'buy_now' } }, 'questions.en-affirm-engaged.intent'],
      [{ 'en-affirm-engaged': { answer: 'address', intent: 'out_of_scope' } }, 'questions.en-affirm-engaged.intent'],
      [{ 'en-affirm-engaged': { answer: 'address', intent: 'do_not_call' } }, 'questions.en-affirm-engaged.intent'],
      [
        { 'en-affirm-engaged': { answer: 'Home Address!', intent: 'ready_to_buy' } },
        'questions.en-affirm-engaged.answer',
      ],
      [{ 'en-affirm-engaged': { intent: 'ready_to_buy' } }, 'questions.en-affirm-engaged.answer'],
      [{ 'en-affirm-engaged': { answer: 'address', intent: 'ready_to_buy', extra: 1 } }, 'questions.en-affirm-engaged'],
      [{ 'en-affirm-engaged': 'address' }, 'questions.en-affirm-engaged'],
    ];
    for (const [questions, field] of cases) {
      const res = await put(questions);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    // A declared question of the library is accepted, and null removes it again.
    const ok = await put({ 'en-affirm-engaged': { answer: 'address', intent: 'ready_to_buy' } }).expect(200);
    expect(ok.body.questions).toEqual({ 'en-affirm-engaged': { answer: 'address', intent: 'ready_to_buy' } });
    const removed = await put({ 'en-affirm-engaged': null }).expect(200);
    expect(removed.body.questions).toEqual({});
  });
});
