import type { CampaignQuestion } from '@huashu/campaigns';
import { ANSWER_BELOW_CONFIDENCE, answerToQuestion, type ClassifiedTurn } from './question-answer.js';

const ADDRESS: CampaignQuestion = { answer: 'address', intent: 'ready_to_buy' };
const turn = (t: Partial<ClassifiedTurn>): ClassifiedTurn => ({
  intent: 'out_of_scope',
  confidence: 0.69,
  source: 'classifier',
  text: '我住在阳光小区',
  ...t,
});

describe('answerToQuestion', () => {
  it('takes what the model found nothing in scope for as the question’s intent', () => {
    expect(answerToQuestion(ADDRESS, turn({}))).toEqual({ intent: 'ready_to_buy', decided: true });
    expect(answerToQuestion(ADDRESS, turn({ confidence: 0.99 }))).toEqual({ intent: 'ready_to_buy', decided: true });
  });

  it('takes a weak intent that neither declines, ends nor escalates; a sure one stands', () => {
    const weak = turn({ intent: 'ask_product_detail', confidence: 0.78, text: '阳光小区' });
    expect(answerToQuestion(ADDRESS, weak)).toEqual({ intent: 'ready_to_buy', decided: true });
    const sure = turn({ intent: 'ask_product_detail', confidence: ANSWER_BELOW_CONFIDENCE, text: '安装要多久' });
    expect(answerToQuestion(ADDRESS, sure)).toBeUndefined();
    expect(answerToQuestion(ADDRESS, turn({ intent: 'affirm', confidence: 0.998, text: '好的' }))).toBeUndefined();
  });

  it.each([
    'deny',
    'not_interested',
    'do_not_call',
    'busy_call_later',
    'wrong_person',
    'complaint',
    'ask_human',
  ] as const)('never takes %s, however unsure', (intent) => {
    expect(answerToQuestion(ADDRESS, turn({ intent, confidence: 0.44 }))).toBeUndefined();
  });

  it('never takes a question asked back, nor what something else than the model decided', () => {
    expect(answerToQuestion(ADDRESS, turn({ text: '你们为什么要我地址？' }))).toBeUndefined();
    expect(answerToQuestion(ADDRESS, turn({ text: 'why do you need that?' }))).toBeUndefined();
    for (const source of ['compliance', 'campaign-example', 'callback-request']) {
      expect(answerToQuestion(ADDRESS, turn({ source }))).toBeUndefined();
    }
  });

  it('takes nothing without a question, or without screened text to keep', () => {
    expect(answerToQuestion(undefined, turn({}))).toBeUndefined();
    expect(answerToQuestion(ADDRESS, turn({ text: undefined }))).toBeUndefined();
  });

  it('a turn the model already reads as the question’s intent answers it, the model deciding', () => {
    const said = turn({ intent: 'ready_to_buy', confidence: 0.99, text: '我要办，住阳光小区' });
    expect(answerToQuestion(ADDRESS, said)).toEqual({ intent: 'ready_to_buy', decided: false });
  });
});
