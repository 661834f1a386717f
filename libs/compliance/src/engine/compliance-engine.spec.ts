import { ComplianceEngine } from './compliance-engine.js';
import { lexiconDocumentSchema, loadDefaultLexicon } from './lexicon.js';
import { loadDefaultPolicy } from './policy.js';

// The shipped lexicon and policy, screened as a candidate answer: `category:match` of every hit.
const engine = new ComplianceEngine(loadDefaultLexicon());
const policy = loadDefaultPolicy();
const hits = (text: string): string[] =>
  engine.check(text, 'output', policy).hits.map((h) => `${h.category}:${h.match}`);
const disparagement = (match: string) => [`competitor_disparagement:${match}`];
const guarantee = (match: string) => [`guaranteed_return:${match}`];
const claim = (match: string) => [`absolute_claim:${match}`];

describe('competitor disparagement: a pronoun is the competitor unless it resumes someone else', () => {
  it.each([
    // Scam warnings: 他们 resumes 有人, 陌生人 or 冒充…的人 from an earlier clause.
    ['如果有人让您转账，他们都是骗子', []],
    ['要是有陌生人打电话让您转账，他们都是骗子，请直接挂断', []],
    ['冒充客服的人打来要验证码，他们都是骗子', []],
    ['Strangers, they are crooks.', []],
    // Disparagement stays: no one else named, or in another sentence (？).
    ['他们家的产品都是骗人的', disparagement('都是骗人的')],
    ['别家公司？他们都是骗子', disparagement('都是骗子')],
    // Same clause: 他们 is whom 有人 talks about, not 有人.
    ['有人说他们都是骗子', disparagement('都是骗子')],
    // The nearest one named before the pronoun is a firm.
    ['如果有人问，那家公司啊，他们都是骗子', disparagement('都是骗子')],
    ['别人家的产品，他们都是骗人的', disparagement('都是骗人的')],
    ['Someone asked about other carriers, and they are crooks', disparagement('are crooks')],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });
});

describe('a digit between two characters after a word that ends there (确保, 担保, 环保) is a number', () => {
  it.each([
    ['请确保1本护照在手', []],
    ['确保1本', []],
    ['确保 1 本', []],
    ['由公司担保1本', []],
    ['环保1本', []],
    // 保 stands alone: the evasions stay.
    ['保1本', guarantee('保1本')],
    ['保 1 本', guarantee('保 1 本')],
    ['这款产品保1本保息，您放心', guarantee('保1本保息')],
    ['我们保1本', guarantee('保1本')],
    ['绝对保1本', guarantee('保1本')],
    ['买了就是稳9赚不赔', guarantee('稳9赚不赔')],
    ['这款产品零8风险', guarantee('零8风险')],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });
});

describe('a 1 that spells a word with the letters after it (1oss → loss) is a letter, not the number one', () => {
  it.each([
    ['There is no 1oss at all', guarantee('no 1oss at all')],
    ['no 1oss', []],
    ['We are number 1oyal to you', []],
    // Numbers: the claim stays.
    ['No.1', claim('No.1')],
    ['We are no. 1', claim('no. 1')],
    ['We are number 1', claim('number 1')],
    ['No1 in the market', claim('No1')],
    ['No.1品牌', claim('No.1')],
    ['We are No.1choice', claim('No.1')],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });
});

describe('a two-character pattern that is the seam of two words (确保|本次 ⊅ 保本) is no hit', () => {
  const education = (match: string) => [`education_guarantee:${match}`];
  const abuse = (match: string) => [`abuse:${match}`];
  it.each([
    ['我们会确保本次活动的信息真实有效', []],
    ['坚持环保本色', []],
    ['请确保本人到场办理', []],
    ['我们由银行担保本次交易', []],
    ['公司积极品牌建设', []],
    ['红包赚钱的活动已经结束', []],
    // The claim stays: the pattern is a word of its own, or only one side is another word (真保|本:
    // an odd pair of the breaker's dictionary), or a longer pattern holds it (保本金, 保本息).
    ['保本保息', guarantee('保本保息')],
    ['稳赚不赔', guarantee('稳赚不赔')],
    ['这款产品保本', guarantee('保本')],
    ['这个是真保本的', guarantee('保本')],
    ['我们确保本金不受损失', guarantee('保本金')],
    ['由银行担保本息', guarantee('保本息')],
    ['专业辅导，确保过关', education('确保过关')],
    ['买了这个包赚钱', guarantee('包赚')],
    ['请添加微信', ['contact_diversion:加微']],
    ['这款产品确保收益', guarantee('保收益')],
    ['我们的网络最强大', claim('最强')],
    // A particle glued to the last character (死了, 过的) is no word after the match.
    ['你快去死了吧', abuse('去死')],
    ['考试包过的', education('包过')],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });
});

describe('abuse: 有病 said of the listener, 你他妈, profanity masked the way Twilio writes it', () => {
  const abuse = (match: string) => [`abuse:${match}`];
  it.each([
    ['你他妈有病吧', abuse('你他妈')],
    ['你有病吧', abuse('你有病')],
    ['你是不是有病', abuse('你是不是有病')],
    ['有病吧！', abuse('有病吧')],
    ['f*** you', abuse('f***')],
    ['you are useless, f*** off', abuse('f***')],
    ['s***', abuse('s***')],
    ['f**k off', abuse('f**k')],
    ['what a b****', abuse('b****')],
    ['f*ck', abuse('f*ck')],
    ['fck', abuse('fck')],
    // An illness, not an insult.
    ['家里老人有病', []],
    ['我有病在医院', []],
    ['有病。', []],
    ['你有病史吗？', []],
    ['如果你有病，可以申请理赔', []],
    ['其他妈妈都说好', []],
    // Asterisks that mask no word: markdown, letters interleaved (an evasion of its own), 保*本.
    ['the **best** plan', []],
    ['a*b', []],
    // AFQMC masks names with asterisks: a word that starts with them is no masked profanity.
    ['我当时用花呗交的***f***押金', []],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });

  it('letters interleaved with asterisks still read as the word (a*s*s*h*o*l*e)', () => {
    expect(hits('a*s*s*h*o*l*e')).toEqual(abuse('a*s*s*h*o*l*e'));
  });
});

describe('wholeClause: a pattern that is a hit only as a clause of its own (滚), the one place one character may be', () => {
  const abuse = (match: string) => [`abuse:${match}`];
  it.each([
    ['滚', abuse('滚')],
    ['滚！', abuse('滚')],
    ['滚吧', abuse('滚')],
    ['好了，滚。', abuse('滚')],
    ['滚 滚 滚', abuse('滚 滚 滚')],
    // Inside a clause the character is a word of something else.
    ['滚动', []],
    ['利滚利', []],
    ['车轮滚滚', []],
    ['滚筒洗衣机', []],
  ])('%s', (text, expected) => {
    expect(hits(text)).toEqual(expected);
  });

  it('a campaign lexicon may list a one-character wholeClause pattern, but no one-character term', () => {
    const category = (extra: object) => ({ categories: { abuse: { patterns: ['傻瓜'], ...extra } } });
    const doc = (extra: object) => ({ version: 1, negations: [], ...category(extra) });
    expect(lexiconDocumentSchema.safeParse(doc({ wholeClause: ['滚'] })).success).toBe(true);
    expect(lexiconDocumentSchema.safeParse(doc({ clauseEnd: ['滚'] })).success).toBe(false);
    expect(lexiconDocumentSchema.safeParse(doc({ patterns: ['滚'] })).success).toBe(false);
  });

  it('a category may list clause-bound phrases only (goodbye: 再见 at a clause end), but not nothing at all', () => {
    const doc = (category: object) => ({ version: 1, negations: [], categories: { goodbye: category } });
    expect(lexiconDocumentSchema.safeParse(doc({ clauseEnd: ['再见'] })).success).toBe(true);
    expect(lexiconDocumentSchema.safeParse(doc({ wholeClause: ['拜拜'] })).success).toBe(true);
    expect(lexiconDocumentSchema.safeParse(doc({ exceptions: ['再见之前'] })).success).toBe(false);
    expect(lexiconDocumentSchema.safeParse(doc({ patterns: [] })).success).toBe(false);
  });
});
