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
