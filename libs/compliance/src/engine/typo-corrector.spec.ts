import { normalize, viewString } from './normalizer.js';
import { TypoCorrector } from './typo-corrector.js';

const corrector = new TypoCorrector([
  'guaranteed returns',
  'risk-free',
  'loss-free',
  'scammer',
  'baoben',
  'bitch',
  'lie',
]);
const corrected = (text: string, mode: 'match' | 'evasion' = 'match') => {
  const view = corrector.correct(normalize(text, mode));
  return view && viewString(view);
};

describe('TypoCorrector', () => {
  it.each([
    ['guarxanteed returns', 'guaranteedreturns'], // a letter inserted (6+ letters: any one edit)
    ['gauranteed returns', 'guaranteedreturns'], // two neighbours swapped
    ['guaranted retunrs', 'guaranteedreturns'], // a letter dropped, a swap in the next word
    ['risk-frree', 'riskfree'], // 4-5 letters: a doubled letter
    ['riskk free', 'riskfree'],
    ['rsik free', 'riskfree'], // … or a swap
  ])('%s → %s', (text, expected) => {
    expect(corrected(text)).toBe(expected);
  });

  it.each([
    'guaranteed returns', // exact: nothing to correct
    'rusk free', // a changed letter in a short word is another word
    'scamper', // an English word is never corrected, however close
    'baobei', // pinyin lexicon words are no targets (baobei ~ baoben)
    'batch', // a real word one letter from bitch
    'rik free', // a dropped letter in a short word
  ])('leaves %s alone', (text) => {
    expect(corrected(text)).toBeUndefined();
  });

  it('reads 1, | and ! as i or l, whichever makes a lexicon word (evasion view)', () => {
    expect(corrected('1oss-free', 'evasion')).toBe('lossfree');
    expect(corrected('r|sk-free', 'evasion')).toBe('riskfree');
    expect(corrected('b1tch', 'evasion')).toBeUndefined(); // already read as bitch
    expect(corrected('no 1ie', 'evasion')).toBe('nolie'); // a word shorter than TYPO_SHORT_WORD too
  });

  it('maps a corrected word back to the whole original word', () => {
    const text = 'our guarxanteed returns';
    const view = corrector.correct(normalize(text, 'match'));
    expect(view).toBeDefined();
    const at = viewString(view!).indexOf('guaranteed');
    expect(text.slice(view!.starts[at], view!.ends[at + 'guaranteed'.length - 1])).toBe('guarxanteed');
  });
});
