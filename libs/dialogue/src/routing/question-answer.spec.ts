import type { CampaignQuestion } from '@huashu/campaigns';
import {
  ANSWER_BELOW_CONFIDENCE,
  answerToQuestion,
  asksBack,
  type ClassifiedTurn,
  hesitates,
  namesPlace,
} from './question-answer.js';

const ADDRESS: CampaignQuestion = { answer: 'address', intent: 'ready_to_buy' };
const PLACE: CampaignQuestion = { kind: 'address', answer: 'address', intent: 'ready_to_buy' };
const IDENTITY: CampaignQuestion = { kind: 'identity' };
const TAKEN = { intent: 'ready_to_buy', decided: true, keep: 'address' };
const turn = (t: Partial<ClassifiedTurn>): ClassifiedTurn => ({
  intent: 'out_of_scope',
  confidence: 0.69,
  source: 'classifier',
  text: '我住在阳光小区',
  ...t,
});

describe('answerToQuestion', () => {
  it('takes what the model found nothing in scope for as the question’s intent', () => {
    expect(answerToQuestion(ADDRESS, turn({}))).toEqual(TAKEN);
    expect(answerToQuestion(ADDRESS, turn({ confidence: 0.99 }))).toEqual(TAKEN);
  });

  it('takes a weak intent that neither declines, ends nor escalates; a sure one stands', () => {
    const weak = turn({ intent: 'ask_product_detail', confidence: 0.78, text: '阳光小区' });
    expect(answerToQuestion(ADDRESS, weak)).toEqual(TAKEN);
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
    expect(answerToQuestion(ADDRESS, said)).toEqual({ intent: 'ready_to_buy', decided: false, keep: 'address' });
  });

  it.each([
    '为什么要问这个',
    '你问这个干嘛',
    '在哪个小区跟你有什么关系',
    '要地址干什么呢',
    'why do you need that',
    'what for',
  ])('a question asked back without a question mark (%j, as a speech recogniser writes it) is no answer', (text) => {
    expect(asksBack(text)).toBe(true);
    expect(answerToQuestion(ADDRESS, turn({ text }))).toBeUndefined();
    expect(answerToQuestion(PLACE, turn({ text }))).toBeUndefined();
  });

  it.each(['我还没想好要不要办', '这个要考虑一下', '我跟家里人商量商量', 'not sure yet', 'let me think about it'])(
    'a hesitation (%j) is no answer',
    (text) => {
      expect(hesitates(text)).toBe(true);
      expect(answerToQuestion(ADDRESS, turn({ text }))).toBeUndefined();
    },
  );

  it.each([
    '我住在阳光小区',
    '阳光小区3栋2单元',
    '朝阳区建国路88号',
    '幸福花园',
    '在人民路那边',
    '5号楼',
    'I live on Maple Street',
    '12 Maple Street',
    'apartment 4, Green Court',
    'SW1A 1AA',
    '94103',
  ])('an address question takes words that name a place (%j)', (text) => {
    expect(namesPlace(text)).toBe(true);
    expect(answerToQuestion(PLACE, turn({ text }))).toEqual(TAKEN);
  });

  it.each(['WiFi', '好的你说', '路由器要钱吗', '号码不变', 'sounds good to me', '嗯'])(
    'an address question does not take words that name no place (%j)',
    (text) => {
      expect(namesPlace(text)).toBe(false);
      expect(answerToQuestion(PLACE, turn({ text }))).toBeUndefined();
    },
  );

  it('an identity question: a no is wrong_person, unless it declines the offer; nothing else answers it', () => {
    const wrong = { intent: 'wrong_person', decided: true };
    for (const text of ['不是', '不是的', '不对', 'No', 'nope', 'no it is not']) {
      expect(answerToQuestion(IDENTITY, turn({ intent: 'deny', confidence: 0.99, text }))).toEqual(wrong);
    }
    for (const text of ['不是，我不需要', 'no thanks', 'no, no time']) {
      expect(answerToQuestion(IDENTITY, turn({ intent: 'deny', confidence: 0.99, text }))).toBeUndefined();
    }
    expect(answerToQuestion(IDENTITY, turn({ intent: 'affirm', confidence: 0.99, text: '是的' }))).toBeUndefined();
    expect(answerToQuestion(IDENTITY, turn({ intent: 'out_of_scope', text: '阳光小区' }))).toBeUndefined();
    expect(answerToQuestion(IDENTITY, turn({ intent: 'not_interested', text: '不用了' }))).toBeUndefined();
  });
});
