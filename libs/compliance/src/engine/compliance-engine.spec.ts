import { ComplianceEngine } from './compliance-engine.js';
import { loadDefaultLexicon } from './lexicon.js';
import { loadDefaultPolicy } from './policy.js';

// The shipped lexicon and policy, screened as a candidate answer: `category:match` of every hit.
const engine = new ComplianceEngine(loadDefaultLexicon());
const policy = loadDefaultPolicy();
const hits = (text: string): string[] =>
  engine.check(text, 'output', policy).hits.map((h) => `${h.category}:${h.match}`);

describe('competitor disparagement: a pronoun is the competitor unless it resumes someone else', () => {
  it.each([
    '如果有人让您转账，他们都是骗子',
    '要是有陌生人打电话让您转账，他们都是骗子，请直接挂断',
    '冒充客服的人打来要验证码，他们都是骗子',
    'Strangers, they are crooks.',
  ])('a scam warning passes: %s', (text) => {
    expect(hits(text)).toEqual([]);
  });

  it.each([
    ['他们家的产品都是骗人的', '都是骗人的'],
    ['别家公司？他们都是骗子', '都是骗子'],
    // Same clause: 他们 is whom 有人 talks about, not 有人.
    ['有人说他们都是骗子', '都是骗子'],
    // The nearest one named before the pronoun is a firm.
    ['如果有人问，那家公司啊，他们都是骗子', '都是骗子'],
    ['别人家的产品，他们都是骗人的', '都是骗人的'],
    ['Someone asked about other carriers, and they are crooks', 'are crooks'],
  ])('disparagement stays: %s', (text, match) => {
    expect(hits(text)).toEqual([`competitor_disparagement:${match}`]);
  });
});

describe('a digit between two characters after a word that ends there is a number', () => {
  it.each(['请确保1本护照在手', '确保1本', '确保 1 本', '由公司担保1本', '环保1本'])('no 保本 evasion: %s', (text) => {
    expect(hits(text)).toEqual([]);
  });

  it.each([
    ['保1本', '保1本'],
    ['保 1 本', '保 1 本'],
    ['这款产品保1本保息，您放心', '保1本保息'],
    ['我们保1本', '保1本'],
    ['绝对保1本', '保1本'],
    ['买了就是稳9赚不赔', '稳9赚不赔'],
    ['这款产品零8风险', '零8风险'],
  ])('the evasion stays: %s', (text, match) => {
    expect(hits(text)).toEqual([`guaranteed_return:${match}`]);
  });
});

describe('a 1 read as a letter of the word it starts is no number one', () => {
  it.each([
    ['There is no 1oss at all', ['guaranteed_return:no 1oss at all']],
    ['no 1oss', []],
    ['We are number 1oyal to you', []],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });

  it.each([
    ['No.1', 'No.1'],
    ['We are no. 1', 'no. 1'],
    ['We are number 1', 'number 1'],
    ['No1 in the market', 'No1'],
    ['No.1品牌', 'No.1'],
    ['We are No.1choice', 'No.1'],
  ])('the claim stays: %s', (text, match) => {
    expect(hits(text)).toEqual([`absolute_claim:${match}`]);
  });
});
