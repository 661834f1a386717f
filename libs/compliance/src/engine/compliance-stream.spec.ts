import { ComplianceEngine } from './compliance-engine.js';
import { ComplianceStream } from './compliance-stream.js';
import { loadDefaultLexicon } from './lexicon.js';
import { loadDefaultPolicy } from './policy.js';
import type { ComplianceHit } from '../compliance.port.js';

const engine = new ComplianceEngine(loadDefaultLexicon());
const policy = loadDefaultPolicy();

function streamed(text: string, size: number): { hits: ComplianceHit[]; verdict: string } {
  const s = new ComplianceStream(engine, 'output', policy);
  const hits: ComplianceHit[] = [];
  for (let i = 0; i < text.length; i += size) hits.push(...s.write(text.slice(i, i + size)).hits);
  const last = s.finish();
  hits.push(...last.hits);
  return { hits, verdict: last.verdict };
}

/** Writes `text` in pieces cut at `cuts` (ascending offsets); every hit reported, in order. */
function streamedAt(text: string, cuts: number[]): ComplianceHit[] {
  const s = new ComplianceStream(engine, 'output', policy);
  const hits: ComplianceHit[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    hits.push(...s.write(text.slice(from, cut)).hits);
    from = cut;
  }
  hits.push(...s.finish().hits);
  return hits;
}

const key = (h: ComplianceHit) => `${h.category}@${h.start}-${h.end}:${h.match}`;

describe('ComplianceStream (ASR chunks)', () => {
  const text =
    '您好，我们这款产品保 本 保 息，稳赚不赔，收益是全网最低的价格，欢迎加我V信详聊，我的手机是 138 1234 5678，' +
    '另外本产品不保本，面包过期了也没关系。We offer guaranteed returns, totally risk-free.' +
    '这款保x本，没有不保本的，别家都是骗人的。It is r1sk-fr\u0435\u0435, a g u a r a n t e e d return.';

  it.each([1, 2, 3, 5, 8, 13])('finds the same hits at chunk size %i as on the whole text', (size) => {
    const whole = engine.scan(text).map(key).sort();
    const got = streamed(text, size);
    expect(got.hits.map(key).sort()).toEqual(whole);
    expect(got.verdict).toBe('block');
  });

  it('an ID label longer than a reference label still reaches a bad-check-digit ID across chunks', () => {
    const labelled = '请核对资料。My ID card number is 110101199003071234, 今天不办就没了。';
    for (const size of [1, 2, 3, 5, 8, 13]) {
      const got = streamed(labelled, size);
      expect([size, got.hits.map(key).sort()]).toEqual([size, engine.scan(labelled).map(key).sort()]);
      expect(got.hits.map((h) => h.category).sort()).toEqual(['false_urgency', 'pii_id_card']);
    }
  });

  it('a labelled ID, SSN or card split at any point after a long lead-in is still found with its label', () => {
    // The lead-in makes the stream trim its carry before the number arrives. "social security
    // number: " fills the whole 24-character label look-back; neither number is PII without it
    // (the ID's check digit is wrong, an SSN needs its label).
    const lead = '今天天气很好，我们聊聊宽带套餐。'.repeat(10);
    for (const said of [
      'my ID card number is: 1101 0119 9003 0712 34, 谢谢。',
      'my social security number: 123-45-6789, 谢谢。',
      // The longest number: 20 digits after a card label, pauses written as ", " (Luhn plays no part).
      'my credit card number is 6222, 0202, 0011, 2233, 4456, 谢谢。',
    ]) {
      const text = lead + said;
      const whole = engine.scan(text).map(key);
      expect(whole).toHaveLength(1);
      for (let cut = lead.length; cut < text.length; cut++)
        expect([cut, streamedAt(text, [cut]).map(key)]).toEqual([cut, whole]);
      for (const size of [1, 2, 3, 5, 8, 13]) expect([size, streamed(text, size).hits.map(key)]).toEqual([size, whole]);
    }
  });

  it('a negation or an exception in the previous chunk still applies', () => {
    expect(streamed('本产品不保本', 1).hits).toEqual([]);
    expect(streamed('面包过期了', 1).hits).toEqual([]);
  });

  it('a clause-end pattern waits for what follows it', () => {
    expect(streamed('能不能别再打八折了', 1).hits).toEqual([]);
    expect(streamed('我很忙，别再打', 1).hits.map((h) => h.match)).toEqual(['别再打']);
    expect(streamed('别再打，折腾死我了', 2).hits.map((h) => h.match)).toEqual(['别再打']);
  });

  it('a subject cue in an earlier chunk still scopes a competitor hit; typos across chunks are read', () => {
    for (const size of [1, 3]) {
      expect(streamed('别家的套餐啊，我跟您说实话，都是骗人的', size).hits.map((h) => h.match)).toEqual(['都是骗人的']);
      expect(streamed('冒充客服的电话都是骗人的，请您注意', size).hits).toEqual([]);
      expect(streamed('This plan is risk-frree, and 保1本.', size).hits.map((h) => h.match)).toEqual([
        'risk-frree',
        '保1本',
      ]);
    }
  });

  it('a two-character match waits for the word after it: 确保|本次 is a seam in chunks too', () => {
    const text = '我们会确保本次活动的信息真实有效，这个是真保本的';
    for (const size of [1, 2, 3]) expect(streamed(text, size).hits.map((h) => h.match)).toEqual(['保本']);
    expect(engine.scan(text).map((h) => h.match)).toEqual(['保本']);
  });

  it('| or ! before an accented letter is read as a letter, as before a plain one', () => {
    expect(engine.scan('There is no |óss at all').map((h) => h.match)).toEqual(['no |óss at all']);
  });

  it('a long stream keeps a bounded buffer and absolute offsets', () => {
    const filler = '今天天气很好，我们聊聊宽带套餐。'.repeat(200);
    const long = filler + '稳赚不赔';
    const got = streamed(long, 7);
    expect(got.hits).toEqual([
      { category: 'guaranteed_return', match: '稳赚不赔', start: filler.length, end: long.length },
    ]);
  });

  it('cutting the carried tail never creates a word that was not said', () => {
    const text = 'my passport and the classic compass, 钱包过几天寄给您，面包过期了。'.repeat(30);
    expect(engine.scan(text)).toEqual([]);
    for (const size of [1, 4, 9, 17]) expect(streamed(text, size).hits).toEqual([]);
  });

  it('refuses writes after finish', () => {
    const s = new ComplianceStream(engine, 'input', policy);
    s.finish();
    expect(() => s.write('x')).toThrow();
  });
});
