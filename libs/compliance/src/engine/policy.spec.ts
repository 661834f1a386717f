import { ComplianceEngine } from './compliance-engine.js';
import { loadDefaultLexicon } from './lexicon.js';
import { loadDefaultPolicy, mergePolicies, verdictOf } from './policy.js';

const engine = new ComplianceEngine(loadDefaultLexicon());
const defaults = loadDefaultPolicy();

describe('policy', () => {
  it('block beats redact beats allow; flags do not change the verdict', () => {
    expect(verdictOf([])).toBe('allow');
    expect(verdictOf(['flag'])).toBe('allow');
    expect(verdictOf(['flag', 'redact'])).toBe('redact');
    expect(verdictOf(['redact', 'block', 'flag'])).toBe('block');
  });

  it('the same text gets a per-direction verdict', () => {
    const text = '稳赚不赔，打13812345678';
    expect(engine.check(text, 'output', defaults).verdict).toBe('block');
    const input = engine.check(text, 'input', defaults);
    expect(input.verdict).toBe('redact');
    expect(input.text).toBe('稳赚不赔，打***********');
    expect(input.hits.map((h) => h.category)).toEqual(['guaranteed_return', 'pii_mobile']);
  });

  it('a campaign override wins per category and leaves the rest', () => {
    const policy = mergePolicies(defaults, { output: { guaranteed_return: 'flag' } });
    expect(engine.check('稳赚不赔', 'output', policy).verdict).toBe('allow');
    expect(engine.check('全网最低', 'output', policy).verdict).toBe('block');
  });

  it('unlisted categories are flagged', () => {
    expect(engine.check('稳赚不赔', 'output', { input: {}, output: {} })).toEqual({
      verdict: 'allow',
      text: '稳赚不赔',
      hits: [{ category: 'guaranteed_return', match: '稳赚不赔', start: 0, end: 4 }],
    });
  });
});
